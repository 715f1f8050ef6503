"""The labelled quote dataset: targets, labels, splits, and loading it."""

from quotestance.dataset.build import assign_splits, build_dataset
from quotestance.dataset.load import load_quote_dataset
from quotestance.dataset.targets import Target, find_targets

__all__ = ["Target", "assign_splits", "build_dataset", "find_targets", "load_quote_dataset"]
