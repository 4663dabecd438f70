//! Charts for the dashboard and leaders' meetings, drawn with plotters as SVG.
