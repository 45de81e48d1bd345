"""`python -m app.cli`, as the tests and benchmarks run the command."""

from app.cli import main

main()
