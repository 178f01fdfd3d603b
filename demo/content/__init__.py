"""The demo's texts: the topics its items are written from (one module per top category, in the
order of the category tree) and the words of the handling steps. Names and places are in
demo.vocabulary; the topics' {utown}, {road}, ... are filled from it."""

from . import topics_city, topics_culture, topics_economy, topics_society
from .texts import (  # noqa: F401 (the generator reads them as content.X)
    C_REASONS, CO_OPINIONS, CONSULT_VIEWS_AFTER, CONSULT_VIEWS_BEFORE, CONSULT_VIEWS_DURING, CONVERTED, FEEDBACK_COMMENTS,
    INSTRUCTIONS, MESSAGES, PROGRESS_TEXTS, QUESTIONS, REJECTED, URGES,
)
from .topic import T, Topic  # noqa: F401

TOPICS = topics_economy.TOPICS + topics_city.TOPICS + topics_culture.TOPICS + topics_society.TOPICS
