"""Theming in every supported language: stop words, tokens and lemmas in every script, labels in
the language of a theme's statements, and no function words gluing statements together.

The statements (tests/data/nlp/statements_languages.json) are hand-written care-service feedback
(waiting for staff, food, being listened to) in Welsh, Urdu and Polish, mixed with English ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from test_nlp_engine import TOPICS, _items, _theme_of

from reviewkit.nlp import theme_statements, tokenise
from reviewkit.nlp.labels import theme_language
from reviewkit.nlp.pipeline import is_stop, stop_words
from reviewkit.nlp.vectors import TfidfVectoriser

DATA = Path(__file__).parent / "data/nlp/statements_languages.json"
SETS = {lang: topics for lang, topics in json.loads(DATA.read_text(encoding="utf-8")).items()
        if lang != "about"}
WELSH, URDU, ENGLISH = SETS["cy"], SETS["ur"], SETS["en"]
ARABIC_SCRIPT = re.compile(r"^[\u0600-\u06ff\s]+$")


def _mixed_items():
    return [{"id": f"{lang}-{topic}-{i}", "text": text, "language": lang}
            for lang, topics in SETS.items()
            for topic, texts in topics.items()
            for i, text in enumerate(texts)]


@pytest.fixture(scope="module")
def mixed():
    # The per-language path (the static hybrid vectors): each language's own stop words,
    # lemmas and labels. (With "auto" a mixed set is themed across languages:
    # tests/test_theming_languages.py.)
    return theme_statements(_mixed_items(), language="en", split=False, n_themes=12,
                            vectoriser="hybrid")


def _members(result, theme_id):
    return [s for s in result.statements if s["theme_id"] == theme_id]


# --------------------------------------------------------------------- stop words and tokens


@pytest.mark.parametrize(("language", "words"), [
    ("cy", ["yn", "mae", "y", "fy", "rydw", "i'n", "mae'r", "i'r", "dwi'n"]),
    ("ur", ["ہے", "میں", "سے", "کا", "مجھے", "نہیں", "بہت"]),
    ("pl", ["nie", "się", "jest", "bardzo", "mnie"]),
    ("pa", ["ਹੈ", "ਮੈਨੂੰ", "ਦਾ", "ਨਹੀਂ", "ਬਹੁਤ", "ਜ਼ਿਆਦਾ"]),
    ("ar", ["في", "لا", "من", "دائما"]),
    ("ro", ["și", "nu", "este", "foarte"]),
])
def test_every_supported_language_has_stop_words(language, words):
    stops = stop_words(language)
    for word in words:
        tok = tokenise([word], language)[0]
        assert tok.words, word
        assert is_stop(tok.words[0], tok.lemmas[0], stops), f"{word!r}: not a {language} stop word"


@pytest.mark.parametrize(("language", "word"), [
    ("cy", "bws"), ("cy", "aros"), ("ur", "دیر"), ("ur", "کھانا"), ("pl", "jedzenie"),
    ("pa", "ਦੇਰ"), ("ar", "طعام"), ("ro", "mâncare"),
])
def test_topic_words_are_not_stop_words(language, word):
    assert not is_stop(word, word, stop_words(language))


def test_non_latin_scripts_are_tokenised_with_lemmas():
    ur = tokenise(["کالج کی بس اکثر دیر سے آتی ہے"], "ur")[0]
    assert ur.words == ("کالج", "کی", "بس", "اکثر", "دیر", "سے", "آتی", "ہے")
    assert ur.language == "ur" and ur.lemmas[-1] == "ہونا"  # lookup lemma
    pa = tokenise(["ਮੈਨੂੰ ਖਾਣਾ ਬਹੁਤ ਪਸੰਦ ਹੈ। ਸਟਾਫ਼ ਦੇਰ ਨਾਲ ਆਉਂਦਾ ਹੈ"], "pa")[0]
    assert "ਖਾਣਾ" in pa.words and "ਦੇਰ" in pa.words and "।" not in pa.words
    ar = tokenise(["والطعام بارد دائما", "الطعام جيد", "طعام"], "ar")
    assert {t.lemmas[0] for t in ar} == {"طعام"}  # article and joined "and" off the lemma
    assert ar[0].words[0] == "والطعام"  # labels keep the words as written


def test_sentence_ends_in_every_script_are_kept_as_breaks_between_words():
    """Labels never join words across a sentence's end: the tokeniser marks where one was
    (Urdu ۔ and ؟, the Gurmukhi danda, Latin stops, a line break), not inside a word."""
    ur = tokenise(["کھانا اچھا ہے۔ عملہ مہربان ہے؟ ہاں"], "ur")[0]
    assert ur.breaks == (3, 6), ur
    pa = tokenise(["ਮੈਨੂੰ ਖਾਣਾ ਪਸੰਦ ਹੈ। ਸਟਾਫ਼ ਦੇਰ ਨਾਲ ਆਉਂਦਾ ਹੈ"], "pa")[0]
    assert pa.breaks == (4,), pa
    en = tokenise(["Good food!! Kind staff...\nMore trips; please e.g. to the well-being centre."],
                  "en")[0]
    assert [en.words[b] for b in en.breaks] == ["kind", "more", "please"], en


def test_welsh_lemmas_drop_clitics_and_nasal_mutation():
    tok = tokenise(["Mae'r gweithiwr yn gwrando'n dda gyda fy ngweithwyr yn fy nghartref"], "cy")[0]
    lemmas = dict(zip(tok.words, tok.lemmas, strict=True))
    assert lemmas["gwrando'n"] == "gwrando"
    assert lemmas["ngweithwyr"] == "gweithwyr" and lemmas["nghartref"] == "cartref"


# --------------------------------------------------------------------- function words never glue


@pytest.mark.parametrize(("language", "first", "second", "glue"), [
    ("cy", "Rydw i'n aros yn hir am y staff", "Rydw i'n hoffi'r bwyd yn fawr", {"i'n", "yn"}),
    ("ur", "عملہ ہمیشہ دیر سے آتا ہے", "مجھے دوپہر کا کھانا پسند ہے", {"ہے"}),
    ("pl", "Personel nie przychodzi na czas", "Jedzenie nie jest ciepłe", {"nie"}),
])
def test_shared_function_words_do_not_make_statements_alike(language, first, second, glue):
    tokens = [t for t in tokenise([first, second], language)]
    assert glue <= set(tokens[0].words) & set(tokens[1].words)  # they do share them
    vec = TfidfVectoriser("en")  # a mixed set's default language: tokens carry their own
    terms = vec._terms([first, second], tokens)
    assert not glue & set(terms[0]) and not glue & set(terms[1])
    x = vec.fit([first, second], tokens).encode([first, second], tokens=tokens).toarray()
    assert float(x[0] @ x[1]) == 0.0


def test_same_language_statements_about_one_thing_cluster_together(mixed):
    # Before stop words were per statement, Welsh and Urdu themes were made by "Rydw i'n" and
    # "ہے" (adjusted Rand 0.0 against the topics); now each language's topics come apart.
    from sklearn.metrics import adjusted_rand_score

    for lang in ("cy", "ur", "pl"):
        rows = [s for s in mixed.statements if s["id"].startswith(f"{lang}-")]
        gold = [s["id"].split("-")[1] for s in rows]
        got = [s["theme_id"] or "-" for s in rows]
        assert adjusted_rand_score(gold, got) >= 0.3, lang


# --------------------------------------------------------------------- labels


def test_no_label_is_only_stop_words(mixed):
    assert mixed.themes
    for theme in mixed.themes:
        lang = theme["language"]
        tok = tokenise([theme["label"]], lang)[0]
        stops = stop_words(lang)
        assert tok.words, theme["label"]
        only_stops = all(is_stop(w, lm, stops) for w, lm in zip(tok.words, tok.lemmas, strict=True))
        assert not only_stops, f"{theme['label']!r} is only {lang} stop words"


def test_welsh_theme_gets_a_welsh_label_from_its_statements(mixed):
    welsh = [t for t in mixed.themes if t["language"] == "cy"]
    assert welsh
    for theme in welsh:
        members = _members(mixed, theme["id"])
        assert theme["counts"]["language"]["cy"] * 2 > theme["size"]
        welsh_texts = " ".join(s["text"].lower() for s in members if s["language"] == "cy")
        assert theme["label"].lower() in welsh_texts
        assert theme["label"].lower() not in {"rydw i'n", "mae'r", "yn", "i'n"}


def test_urdu_theme_labels_are_in_arabic_script(mixed):
    urdu = [t for t in mixed.themes if t["language"] == "ur"]
    assert urdu
    for theme in urdu:
        assert theme["label"].strip() and ARABIC_SCRIPT.match(theme["label"]), theme["label"]
        urdu_texts = " ".join(s["text"] for s in _members(mixed, theme["id"]))
        assert theme["label"] in urdu_texts


def test_punjabi_and_arabic_themes_get_labels_in_their_script():
    pa = ["ਸਟਾਫ਼ ਦੇਰ ਨਾਲ ਆਉਂਦਾ ਹੈ", "ਸਟਾਫ਼ ਹਮੇਸ਼ਾ ਦੇਰ ਨਾਲ ਆਉਂਦਾ ਹੈ", "ਮੈਨੂੰ ਸਟਾਫ਼ ਦੀ ਉਡੀਕ ਕਰਨੀ ਪੈਂਦੀ ਹੈ"]
    ar = ["الطعام بارد دائما", "الطعام ليس ساخنا", "أريد المزيد من الطعام"]
    items = [{"text": t, "language": lang} for lang, texts in (("pa", pa), ("ar", ar))
             for t in texts]
    res = theme_statements(items, split=False, n_themes=2)
    by_lang = {t["language"]: t["label"] for t in res.themes}
    assert set(by_lang) == {"pa", "ar"}
    assert re.fullmatch("[\u0a00-\u0a7f ]+", by_lang["pa"]) and by_lang["pa"] in " ".join(pa)
    assert not is_stop(by_lang["pa"], by_lang["pa"], stop_words("pa"))
    assert ARABIC_SCRIPT.match(by_lang["ar"]) and "الطعام" in by_lang["ar"]


def test_mixed_theme_is_labelled_in_its_majority_language_and_keeps_every_statement():
    items = [{"id": f"{lang}{i}", "text": t, "language": lang}
             for lang, texts in (("cy", WELSH["food"][:4]), ("en", ENGLISH["food"][:2]))
             for i, t in enumerate(texts)]
    res = theme_statements(items, language="en", split=False, n_themes=1)
    assert len(res.themes) == 1
    theme = res.themes[0]
    assert theme["language"] == "cy" and theme["counts"]["language"] == {"cy": 4, "en": 2}
    assert theme["size"] == 6 and all(s["theme_id"] == theme["id"] for s in res.statements)
    assert "bwyd" in theme["label"].lower()
    assert {s["language"] for s in res.statements} == {"cy", "en"}


def test_theme_language_majority_and_ties():
    assert theme_language(["cy", "cy", "en"], "en") == "cy"
    assert theme_language(["cy", "en"], "en") == "en"
    assert theme_language(["ur", "pl"], "en") == "ur"
    assert theme_language([], "cy") == "cy"


# --------------------------------------------------------------------- English unchanged


def test_english_fixture_unchanged_by_language_tags_and_other_languages():
    plain = theme_statements(_items(), split=False, n_themes=4)
    tagged = theme_statements([dict(it, language="en") for it in _items()], split=False, n_themes=4)
    assert [(s["id"], s["theme_id"]) for s in plain.statements] == \
        [(s["id"], s["theme_id"]) for s in tagged.statements]
    assert [t["label"] for t in plain.themes] == [t["label"] for t in tagged.themes]
    assert np.allclose(plain.vectors, tagged.vectors)

    # With Welsh and Urdu statements beside them, the English topics still come apart and keep
    # English labels.
    others = [{"id": f"{lang}{i}", "text": t, "language": lang}
              for lang, topics in (("cy", WELSH), ("ur", URDU))
              for i, t in enumerate(sum(topics.values(), []))]
    res = theme_statements(_items() + others, split=False, n_themes=10)
    for name in TOPICS:
        ids = {_theme_of(res, f"{name}{i}") for i in range(5)} - {None}
        assert len(ids) == 1, f"{name} statements spread over {ids}"
        assert res.theme(ids.pop())["language"] == "en"
