"""Rasa NLU components of the bot, named in `config.yml`.

`SentenceEmbeddingFeaturizer` gives every message the sentence vector of the same
multilingual encoder the knowledge base uses, so German and English examples of an
intent land close together and one classifier serves both languages.

`LanguageExtractor` turns the customer's language into an entity, which fills the
`language` slot that picks German or English response variations. The conversation
service detects the language (it also knows the previous turns) and passes it in the
message metadata; without metadata (training, `rasa shell`) the text itself decides.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, METADATA, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import detect_language
from bot.text import is_command
from knowledge.embeddings import USE_MULTILINGUAL, load_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model": USE_MULTILINGUAL}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._encoder = load_encoder(config["model"])

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sentence_transformers"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not isinstance(config.get("model"), str) or not config["model"]:
            raise ValueError(f"{cls.__name__}: 'model' must name a sentence-transformers model")

    def _featurize(self, messages: List[Message]) -> None:
        texts = [m.get(TEXT) for m in messages if m.get(TEXT)]
        if not texts:
            return
        vectors = self._encoder.encode(texts)
        rows = iter(vectors)
        for message in messages:
            if message.get(TEXT):
                vector = next(rows).reshape(1, -1).astype(np.float32)
                message.add_features(
                    Features(vector, FEATURE_TYPE_SENTENCE, TEXT, self._config[FEATURIZER_CLASS_ALIAS])
                )

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = self._language(message)
            if language:
                entity = {"entity": "language", "value": language, "start": 0, "end": 0, "extractor": self.name}
                message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages

    @staticmethod
    def _language(message: Message) -> Optional[str]:
        metadata = message.get(METADATA) or {}
        hint = metadata.get("language") if isinstance(metadata, dict) else None
        if hint in ("de", "en"):
            return hint
        text = message.get(TEXT) or ""
        return detect_language(text) if text and not is_command(text) else None
