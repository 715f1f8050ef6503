"""Quote extraction and speaker attribution for English and Norwegian news."""

from quotestance.extract.article import Article, read_article
from quotestance.extract.pipeline import (
    Analysis,
    analyse_article,
    analyse_file,
    analyse_files,
    extract_article,
    extract_file,
    extract_files,
)
from quotestance.extract.schema import Quote

__all__ = [
    "Analysis",
    "Article",
    "Quote",
    "analyse_article",
    "analyse_file",
    "analyse_files",
    "extract_article",
    "extract_file",
    "extract_files",
    "read_article",
]
