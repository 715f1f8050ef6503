"""quotestance: who said what about whom, and how, in English and Norwegian news."""

__version__ = "0.1.0"
