"""Stage 1 of `magnet extract`: reading inputs, segmenting, and the relevance filter on the corpus."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from magnet_graph.text.filter import gerund_to_verb, score_segment, task_slug
from magnet_graph.text.inputs import SourceText, read_texts, segment_text

CORPUS = Path(__file__).parent / "corpus"


def _corpus() -> list[dict]:
    rows = []
    for name in ("procedural.jsonl", "other.jsonl"):
        rows += [orjson.loads(line) for line in (CORPUS / name).read_bytes().splitlines() if line.strip()]
    return rows


def _kept(text: str, threshold: float = 0.5) -> bool:
    segs = segment_text(SourceText("t", "t", text))
    return any(score_segment(s, threshold=threshold).kept for s in segs)


def test_corpus_is_labelled_and_large_enough():
    rows = _corpus()
    labels = [r["label"] for r in rows]
    assert labels.count("procedural") >= 40 and labels.count("other") >= 40
    assert len({r["id"] for r in rows}) == len(rows)
    domains = {r["domain"] for r in rows if r["label"] == "procedural"}
    assert {"apps", "websites", "os settings", "appliances", "banking", "travel", "email", "spreadsheets"} <= domains


def test_filter_precision_and_recall_on_the_corpus():
    tp = fp = fn = 0
    for r in _corpus():
        kept = _kept(r["text"])
        procedural = r["label"] == "procedural"
        tp += kept and procedural
        fp += kept and not procedural
        fn += procedural and not kept
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.9, (precision, fp)
    assert recall >= 0.9, (recall, fn)


def test_threshold_trades_recall_for_precision():
    rows = _corpus()
    kept_low = sum(_kept(r["text"], 0.2) for r in rows)
    kept_high = sum(_kept(r["text"], 0.95) for r in rows)
    assert kept_low > kept_high


def test_cues_move_the_score():
    steps = "How to add a contact\n1. Open the Contacts app.\n2. Tap the plus button.\n3. Enter the name.\n4. Tap Save."
    story = "Last summer we drove to the coast. I remember the app on my phone kept crashing, and we laughed about it."
    a = score_segment(segment_text(SourceText("a", "a", steps))[0])
    b = score_segment(segment_text(SourceText("b", "b", story))[0])
    assert a.kept and not b.kept
    assert a.features["numbered"] == 4 and a.features["imperative"] >= 4
    assert b.features["narrative"] > a.features["narrative"]


def test_labels_domain_platform_task_product():
    text = ("Sending money with the Crestline Bank app\n1. Log in to the Crestline app.\n2. Tap Transfers.\n"
            "3. Enter the amount.\n4. Tap Send.\nYou can transfer up to 2500 dollars per day.")
    rel = score_segment(segment_text(SourceText("x", "x", text))[0])
    assert rel.domain == "banking"
    assert rel.platform == "mobile app"
    assert rel.task == "send_money"
    assert rel.product.startswith("Crestline")


def test_task_slug_and_gerunds():
    assert task_slug("How to change your email address in the Lumo app", "") == "change_email_address"
    assert gerund_to_verb("creating") == "create" and gerund_to_verb("setting") == "set"
    assert gerund_to_verb("freeing") == "free" and gerund_to_verb("descaling") == "descale"


def test_segments_split_at_headings_and_keep_lists_with_their_intro():
    text = "# Guide\nIntro line.\n\n## Reset\nDo this first:\n\n1. Open it.\n2. Close it.\n\n## About\nPlain words."
    segs = segment_text(SourceText("doc", "doc", text))
    assert [s.title for s in segs] == ["Guide", "Reset", "About"]
    assert "Do this first" in segs[1].text and "2. Close it." in segs[1].text
    assert [s.id for s in segs] == ["doc#0", "doc#1", "doc#2"]


def test_long_sections_are_split_at_blank_lines():
    para = "Some words here. " * 20
    text = "\n\n".join([para] * 6)
    segs = segment_text(SourceText("d", "d", text), max_chars=800)
    assert len(segs) > 1 and all(len(s.text) <= 800 + len(para) for s in segs)


def test_read_texts_reports_bad_inputs_and_continues(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "1. Open it.\\n2. Tap Save.", "id": "a"}\n{"id": "b"}\nnot json\n[1]\n{"text": "x"}\n')
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.md"
    binary.write_bytes(b"\x00\x01\x02binary")
    huge = tmp_path / "huge.txt"
    huge.write_text("word " * 5000)
    texts, problems = read_texts([good, empty, binary, huge, tmp_path / "missing.txt"], max_bytes=10_000)
    assert [t.id for t in texts] == ["a", "good:5"]
    reasons = sorted(p.reason for p in problems)
    assert reasons == ["bad_json", "bad_json", "binary", "empty", "missing", "no_text", "too_large"]
    by_reason = {p.reason: p.message for p in problems}
    assert "good.jsonl: line 2: field text: missing" in by_reason["no_text"]
    assert "give each line" in by_reason["no_text"]
    assert "blob.md" in by_reason["binary"] and "huge.txt" in by_reason["too_large"]
    assert all("\n" not in p.message for p in problems)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_folders_are_read_recursively_in_order(tmp_path, suffix):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / f"two{suffix}").write_text("second")
    (tmp_path / f"one{suffix}").write_text("first")
    (tmp_path / "skip.bin").write_text("ignored")
    texts, problems = read_texts([tmp_path])
    assert [t.text for t in texts] == ["second", "first"] or [t.text for t in texts] == ["first", "second"]
    assert sorted(t.text for t in texts) == ["first", "second"] and not problems


def test_a_json_array_of_texts_is_read_like_json_lines(tmp_path):
    path = tmp_path / "texts.json"
    path.write_bytes(orjson.dumps([{"id": "x", "text": "1. Open it.\n2. Tap Save."}, {"title": "no text"}]))
    texts, problems = read_texts([path])
    assert [t.id for t in texts] == ["x"]
    assert [p.reason for p in problems] == ["no_text"]
