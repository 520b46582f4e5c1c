"""A synthetic demo scenario over real places, clearly labelled as such."""
