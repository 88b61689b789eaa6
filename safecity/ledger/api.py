"""Ledger API: public reads (entries, proofs, checkpoints, keys), cosignature submission by
witnesses (the signature authenticates), and for organisations: append externally signed
statements and register an externally held public key."""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core.api.fields import IdField
from safecity.core.audit import audit_context
from safecity.core.choices import AuditSource
from safecity.core.models import Organisation
from safecity.core.paging import KeysetPagination
from safecity.core.scoping import scoped
from safecity.ledger import merkle, selectors
from safecity.ledger.i18n import error_message
from safecity.ledger.services import LedgerError, kind_owner, ledger_append, signing_key_register_public
from safecity.ledger.services.keys import may_manage_keys
from safecity.ledger.services.statements import statement_from_json
from safecity.ledger.services.witness import cosignature_add


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


class PublicView(APIView):
    """Readable by anyone, signed in or not: the log is public by design."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []


class LedgerEntrySerializer(serializers.Serializer):
    index = serializers.IntegerField()
    kind = serializers.CharField()
    subject = serializers.CharField()
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.name")
    key_id = serializers.CharField()
    idempotency_key = serializers.CharField()
    signed_at = serializers.DateTimeField()
    appended_at = serializers.DateTimeField()
    leaf_b64 = serializers.CharField()
    leaf_hash_b64 = serializers.CharField()


def _int(request: Request, name: str) -> int:
    from rest_framework.exceptions import ValidationError

    try:
        value = int(request.query_params.get(name, ""))
    except ValueError:
        raise ValidationError({name: [_("A whole number is required.")]}) from None
    if value < 0:
        raise ValidationError({name: [_("A whole number is required.")]})
    return value


def _proof_error(exc: merkle.ProofError) -> Response:
    return Response({"code": "invalid", "message": error_message(exc), "fields": {}}, status=status.HTTP_400_BAD_REQUEST)


class EntryDetail(PublicView):
    @extend_schema(responses=LedgerEntrySerializer, summary="One log entry (public)")
    def get(self, request: Request, index: int) -> Response:
        entry = selectors.entry_get(index=index)
        if entry is None:
            raise Http404
        return Response(LedgerEntrySerializer(entry).data)


class EntryList(generics.ListAPIView):
    """Log entries, newest first, a page at a time (public; filter by subject or kind)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    serializer_class = LedgerEntrySerializer
    filter_backends: list[Any] = []
    # Keyset pages (?cursor=) by log index, counted from the log head: the same cost at any size.
    pagination_class = KeysetPagination

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.entry_list(kind=params.get("kind", ""), subject=params.get("subject", "")).defer(None)

    def keyset_count(self, queryset: Any) -> int:
        params = self.request.query_params
        return selectors.entry_count(queryset=queryset, kind=params.get("kind", ""), subject=params.get("subject", ""))

    @extend_schema(
        parameters=[OpenApiParameter("subject", str), OpenApiParameter("kind", str)],
        summary="Log entries, newest first (public; filter by subject or kind)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


ProofOut = inline_serializer(
    "LedgerInclusionProof",
    {
        "index": serializers.IntegerField(),
        "tree_size": serializers.IntegerField(),
        "hashes_b64": serializers.ListField(child=serializers.CharField()),
    },
)
ConsistencyOut = inline_serializer(
    "LedgerConsistencyProof",
    {
        "first": serializers.IntegerField(),
        "second": serializers.IntegerField(),
        "hashes_b64": serializers.ListField(child=serializers.CharField()),
    },
)


class InclusionProof(PublicView):
    @extend_schema(
        responses=ProofOut,
        parameters=[OpenApiParameter("index", int, required=True), OpenApiParameter("tree_size", int, required=True)],
        summary="Inclusion proof (RFC 9162 §2.1.3)",
    )
    def get(self, request: Request) -> Response:
        index, size = _int(request, "index"), _int(request, "tree_size")
        try:
            proof = selectors.inclusion_proof(index=index, tree_size=size)
        except merkle.ProofError as exc:
            return _proof_error(exc)
        return Response({"index": index, "tree_size": size, "hashes_b64": [_b64(h) for h in proof]})


class ConsistencyProof(PublicView):
    @extend_schema(
        responses=ConsistencyOut,
        parameters=[OpenApiParameter("first", int, required=True), OpenApiParameter("second", int, required=True)],
        summary="Consistency proof (RFC 9162 §2.1.4)",
    )
    def get(self, request: Request) -> Response:
        first, second = _int(request, "first"), _int(request, "second")
        try:
            proof = selectors.consistency_proof(first=first, second=second)
        except merkle.ProofError as exc:
            return _proof_error(exc)
        return Response({"first": first, "second": second, "hashes_b64": [_b64(h) for h in proof]})


class LedgerCheckpointSerializer(serializers.Serializer):
    tree_size = serializers.IntegerField()
    root_hash_b64 = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    cosignatures = serializers.SerializerMethodField()

    def get_cosignatures(self, cp: Any) -> list[str]:
        return [c.line for c in cp.cosignatures.all()]


def _checkpoint(cp: Any) -> dict[str, Any]:
    return LedgerCheckpointSerializer(cp).data


class CheckpointLatest(PublicView):
    @extend_schema(responses=LedgerCheckpointSerializer, summary="The latest signed checkpoint")
    def get(self, request: Request) -> Response:
        cp = selectors.checkpoint_list().first()
        if cp is None:
            raise Http404
        return Response(_checkpoint(cp))


class CheckpointList(generics.ListAPIView):
    """Signed checkpoints, newest first, a page at a time (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    serializer_class = LedgerCheckpointSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.checkpoint_list()

    @extend_schema(summary="Signed checkpoints, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


KEY_FIELDS = {
    "key_id": serializers.CharField(),
    "organisation_id": serializers.IntegerField(),
    "organisation": serializers.CharField(),
    "public_key_b64": serializers.CharField(),
    "active_from": serializers.DateTimeField(),
    "retired_at": serializers.DateTimeField(allow_null=True),
    "custodial": serializers.BooleanField(),
}
KeyOut = inline_serializer("LedgerPublicKey", KEY_FIELDS)
KeysOut = inline_serializer(
    "LedgerKeys",
    {
        # None until the log has signed its first checkpoint.
        "log": inline_serializer(
            "LedgerLogKey", {"origin": serializers.CharField(), "vkey": serializers.CharField()}, allow_null=True
        ),
        "organisations": inline_serializer("LedgerPublicKey", KEY_FIELDS, many=True),
        "witnesses": inline_serializer(
            "LedgerWitnessKey",
            {"name": serializers.CharField(), "vkey": serializers.CharField(), "organisation": serializers.CharField()},
            many=True,
        ),
    },
)


def key_json(k: Any) -> dict[str, Any]:
    return {
        "key_id": k.key_id,
        "organisation_id": k.organisation_id,
        "organisation": k.organisation.name,
        "public_key_b64": _b64(k.public_key),
        "active_from": k.active_from,
        "retired_at": k.retired_at,
        "custodial": k.custodial,
    }


class LedgerKeyInput(serializers.Serializer):
    organisation = IdField()
    public_key_b64 = serializers.CharField(max_length=200, help_text="the raw 32-byte Ed25519 public key, base64")


class Keys(APIView):
    """GET (public): every public key. POST (an organisation's key manager): register an
    externally held Ed25519 public key; its private key never reaches the platform."""

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=KeysOut, summary="Public keys of the organisations, the log and the witnesses")
    def get(self, request: Request) -> Response:
        log = selectors.log_key_current()
        return Response(
            {
                "log": {"origin": log.origin, "vkey": log.vkey} if log else None,
                "organisations": [key_json(k) for k in selectors.public_keys()],
                "witnesses": [
                    {"name": w.name, "vkey": w.vkey, "organisation": w.organisation.name if w.organisation else ""}
                    for w in selectors.witness_keys()
                ],
            }
        )

    @extend_schema(
        request=LedgerKeyInput, responses={201: KeyOut}, summary="Register an externally held public key for an organisation"
    )
    def post(self, request: Request) -> Response:
        body = LedgerKeyInput(data=request.data)
        body.is_valid(raise_exception=True)
        org = Organisation.objects.filter(pk=body.validated_data["organisation"]).first()
        if org is None or not may_manage_keys(request.user, org):
            # Out of reach is 404, visible but not allowed is 403 (core scoping convention).
            if org is not None and scoped(Organisation, request.user).filter(pk=org.pk).exists():
                raise PermissionDenied
            raise Http404
        with audit_context(source=AuditSource.API, request=request):
            key = signing_key_register_public(
                actor=request.user, organisation=org, public_key_b64=body.validated_data["public_key_b64"]
            )
        return Response(key_json(key), status=status.HTTP_201_CREATED)


class Statements(APIView):
    """Append statements signed with an organisation's (externally held) key. The caller must
    manage the keys of every statement's organisation."""

    @extend_schema(
        request=inline_serializer("LedgerStatementsIn", {"statements": serializers.ListField(child=serializers.DictField())}),
        responses={
            201: inline_serializer("LedgerAppended", {"indexes": serializers.ListField(child=serializers.IntegerField())})
        },
        summary="Append signed statements (all or nothing)",
    )
    def post(self, request: Request) -> Response:
        raw = request.data.get("statements") if isinstance(request.data, dict) else None
        try:
            if not isinstance(raw, list) or not raw or len(raw) > 1000:
                raise LedgerError("malformed", _("Send 1 to 1000 statements."))
            statements = []
            for pos, item in enumerate(raw):
                try:
                    statements.append(statement_from_json(item))
                except LedgerError as exc:
                    exc.position = pos
                    raise
                owner = kind_owner(statements[-1].kind)
                if owner is not None:
                    # The owning app checks its domain's rules (e.g. no filling of a scrapped
                    # cylinder) before it signs; the generic append would skip them.
                    raise LedgerError(
                        "kind_reserved",
                        _("Statements of kind %(kind)s are written by the %(owner)s app: use its API (/api/%(owner)s/).")
                        % {"kind": statements[-1].kind, "owner": owner},
                        position=pos,
                    )
            orgs = {s.organisation_id for s in statements}
            allowed = {o.pk for o in Organisation.objects.filter(pk__in=[o for o in orgs if isinstance(o, int)]) if may_manage_keys(request.user, o)}  # fmt: skip
            if orgs - allowed:
                raise PermissionDenied
            with audit_context(source=AuditSource.API, request=request):
                indexes = ledger_append(actor=request.user, statements=statements)
        except LedgerError as exc:
            return Response(
                {
                    "code": exc.code,
                    "message": exc.message,
                    "fields": {},
                    "position": exc.position,
                    "existing_index": exc.existing_index,
                },
                status=status.HTTP_409_CONFLICT if exc.code == "duplicate" else status.HTTP_400_BAD_REQUEST,
            )
        return Response({"indexes": indexes}, status=status.HTTP_201_CREATED)


class Cosignatures(PublicView):
    @extend_schema(
        request=inline_serializer("LedgerCosignatureIn", {"note": serializers.CharField()}),
        responses={
            201: inline_serializer(
                "LedgerCosignatureOut", {"tree_size": serializers.IntegerField(), "witness": serializers.CharField()}
            )
        },
        summary="Submit a witness's cosignature (C2SP tlog-cosignature) of a checkpoint",
    )
    def post(self, request: Request) -> Response:
        note = request.data.get("note") if isinstance(request.data, dict) else None
        if not isinstance(note, str):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"note": [_("The cosigned checkpoint note is required.")]})
        cosig = cosignature_add(note_text=note)
        return Response({"tree_size": cosig.checkpoint.tree_size, "witness": cosig.witness.name}, status=status.HTTP_201_CREATED)
