"""Reports as CSV and as self-contained HTML pages with server-drawn SVG charts."""
