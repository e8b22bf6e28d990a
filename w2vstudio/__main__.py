import sys

from w2vstudio.cli import main

sys.exit(main())
