"""``python -m sktsgan``: the same as the ``sktsgan`` command."""

from .cli import main

raise SystemExit(main())
