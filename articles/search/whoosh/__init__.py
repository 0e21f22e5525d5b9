"""The embedded default engine: haystack's Whoosh backend made fit for Chinese."""
