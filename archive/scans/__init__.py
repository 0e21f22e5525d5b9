"""Page scans: imaging.py (pure, no Django), storage.py (files under MEDIA_ROOT),
services.py (writes), selectors.py (reads), views.py and urls.py (serving them)."""
