//! Official letters (GB/T 9704-2012 layout) rendered as DOCX and PDF.
