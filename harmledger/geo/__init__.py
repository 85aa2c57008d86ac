"""Geo stage: gazetteer and place resolution."""
from .gazetteer import Gazetteer, PlaceMatch, load

__all__ = ["Gazetteer", "PlaceMatch", "load"]
