"""Rasa NLU components of the bot, named in `config.yml`.

`SentenceEmbeddingFeaturizer` gives every message the sentence vector of the same
multilingual encoder the knowledge base uses, so German and English examples of an
intent land close together and one classifier serves both languages.

`FeelingClassifier` reads how the customer feels from that same sentence vector
(bot/feelings.py: no second encoding on the hot path) and, when they are upset, worried
or hurt, makes the message a `complain` whatever Rasa's intent classifier said, with a
`feeling` entity naming the feeling: the handoff action words its apology after it and
hands over with priority ("safety" before all). The feeling decides both ways: a message
Rasa's few `complain` examples caught but the classifier reads as calm ("the battery is
slightly warm after a ride, is that fine?") becomes a question for the knowledge base. It sits in the NLU pipeline rather than in
the conversation service because the vector exists only here, and so a separate action
server or `rasa shell` behaves the same; it is trained with the Rasa model, so the model's
fingerprint covers its examples.

`LanguageExtractor` turns the customer's language into an entity, which fills the
`language` slot that picks German or English response variations. The conversation
service detects the language (it also knows the previous turns) and passes it in the
message metadata; without metadata (training, `rasa shell`) the text itself decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, INTENT, METADATA, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.feelings import TRAINING_FILE, FeelingModel, carries_feeling, train_from_file
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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FeelingClassifier(GraphComponent, IntentClassifier):
    FILE = "feelings.npz"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"model": USE_MULTILINGUAL, "examples": str(TRAINING_FILE), "intent": "complain",
                "calm_intent": "ask_question"}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FeelingClassifier":
        return cls({**cls.get_default_config(), **config}, model_storage, resource, None)

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[FeelingModel]) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._model = model

    def train(self, training_data: TrainingData) -> Resource:
        """Learns from the feeling examples, not Rasa's NLU data: they answer another question."""
        self._model = train_from_file(load_encoder(self._config["model"]), Path(self._config["examples"]))
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory / self.FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FeelingClassifier":
        with model_storage.read_from(resource) as directory:
            model = FeelingModel.load(directory / cls.FILE)
        return cls({**cls.get_default_config(), **config}, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message in messages:
            sentence = message.get_dense_features(TEXT)[1]
            if sentence is None or not carries_feeling(message.get(TEXT)):  # no sentence to read
                continue
            feeling = self._model.classify(sentence.features[0])
            if not feeling.upset:
                if (message.get(INTENT) or {}).get("name") == self._config["intent"]:
                    message.set(INTENT, {"name": self._config["calm_intent"], "confidence": round(feeling.confidence, 3)},
                                add_to_output=True)
                continue
            entity = {"entity": "feeling", "value": feeling.label, "start": 0, "end": 0,
                      "confidence_entity": round(feeling.confidence, 3), "extractor": self.__class__.__name__}
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
            message.set(INTENT, {"name": self._config["intent"], "confidence": round(feeling.confidence, 3)},
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # Rasa's intent examples keep their own intents

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        for key in ("model", "examples", "intent", "calm_intent"):
            if key in config and (not isinstance(config[key], str) or not config[key]):
                raise ValueError(f"{cls.__name__}: {key!r} must be a non-empty text, not {config[key]!r}")


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
