"""crimecongress: the declarations of the UN Crime Congresses as linked data."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crimecongress")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
