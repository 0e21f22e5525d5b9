"""Full-text search of the public articles: Chinese text, the search box, the page, the engines."""
