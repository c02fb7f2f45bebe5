"""How the process runs: polling, start-up checks, workers, and the outgoing Bot API calls."""
