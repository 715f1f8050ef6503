"""Quote extraction and speaker attribution for English and Norwegian news."""

from quotestance.extract.article import Article, read_article
from quotestance.extract.pipeline import extract_article, extract_file, extract_files
from quotestance.extract.schema import Quote

__all__ = ["Article", "Quote", "extract_article", "extract_file", "extract_files", "read_article"]
