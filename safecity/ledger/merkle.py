"""RFC 6962 Merkle tree hashing and proofs."""
