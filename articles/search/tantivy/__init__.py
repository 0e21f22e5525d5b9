"""The engine for large archives on one machine: tantivy (Rust), fed the same jieba terms."""
