"""The subcommands of ``safecity telemetry``, one module each (see
``safecity/telemetry/management/commands/telemetry.py``). A module defines ``HELP``,
``add_arguments(parser)`` and ``handle(command, **options)``; its top level imports little, because
every module is imported to build the command line."""
