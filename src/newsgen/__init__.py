"""newsgen: a static news-archive generator for Chinese regional news."""

__version__ = "0.1.0"
