#!/usr/bin/env python
"""Django's command-line utility; the same as the ``safecity`` console command."""

from safecity.cli import main

if __name__ == "__main__":
    main()
