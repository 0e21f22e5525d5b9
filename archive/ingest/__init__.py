"""Raw OCR bytes to structured pages: decoding, cleaning, parsing. Pure Python, no Django."""
