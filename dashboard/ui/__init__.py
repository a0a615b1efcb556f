"""Page building blocks: chart cards, controls, the page kit and fixed text."""
