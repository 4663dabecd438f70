//! The municipal feed's wire protocol (GB/T 39046-2020 names): records, pages, cursors.
