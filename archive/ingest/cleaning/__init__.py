"""Safe automatic cleaning of Chinese OCR text, and suggestions an editor confirms."""

from archive.ingest.cleaning.repairs import clean_ocr, ends_sentence
from archive.ingest.cleaning.suggestions import Suggestion, suggest_corrections

__all__ = ["Suggestion", "clean_ocr", "ends_sentence", "suggest_corrections"]
