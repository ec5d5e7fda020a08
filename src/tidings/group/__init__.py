"""group stage of Tidings: articles into events (:class:`EventClusterer`), events into storylines.

The clusterer's parts, one concern each: ``params`` (the knobs), ``features`` (what it
sees of an article), ``sums`` (an event's running sums), ``scoring``, ``candidates``
(with ``index``), ``batch``, ``duplicates``, ``state`` (the saved blobs) and
``clusterer`` (the learner that ties them together); ``alias_feedback`` lets events
teach the alias lexicon.
"""

from tidings.group.alias_feedback import EventAliasLearner
from tidings.group.clusterer import EventClusterer
from tidings.group.params import ClusterParams
from tidings.group.state import StateMismatch, UnknownStateFormat

__all__ = ["ClusterParams", "EventAliasLearner", "EventClusterer", "StateMismatch", "UnknownStateFormat"]
