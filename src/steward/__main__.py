"""`python -m steward` runs the CLI."""

from steward.cli import main

main()
