"""One interface for every model, chosen by the config's ``model.kind``."""

from quotestance.models.base import MODELS, QuoteModel, load_model

__all__ = ["MODELS", "QuoteModel", "load_model"]
