"""Letters to residents: the built-in templates, the sandboxed rendering, the PDF."""
