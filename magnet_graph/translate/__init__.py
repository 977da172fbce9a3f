"""Back-and-forth translation: function signature paths -> verified conversations."""
