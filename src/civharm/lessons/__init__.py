"""Learning from harm: harm patterns, the lessons register and the monthly civilian-harm report."""
