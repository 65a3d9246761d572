"""How many notes have a non-empty answer in review, interview and export, on a real vault.

Usage:
    python benchmarks/answer_coverage.py VAULT [--json]

For every file studycards treats as a note it builds the review card (the card ``review`` and
``interview`` show) and the export record (``export anki`` / ``csv``) and counts the notes whose
answer is blank. When the vault has a ``MANIFEST.json`` (``benchmarks/gen_real_vault.py`` writes
one), it also reports how well the note list matches it (files taken for notes that are not,
notes missed) and how many answers hold the phrase the generator placed in each note's answer.
Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def measure(root: Path) -> dict:
    from studycards.notes.vault import load_note, open_vault, scan
    from studycards.progress.export import ExportNote
    from studycards.review.session_backend import note_card

    vault = open_vault(root)
    started = time.perf_counter()
    rels = [s.rel for s in scan(vault, use_index=False).notes]
    review_blank, export_blank, answers = [], [], {}
    for rel in rels:
        note = load_note(vault, rel)
        if note.summary.broken:
            continue
        card = note_card(note)
        if not card.answer.strip():
            review_blank.append(rel)
        exported = ExportNote.of(note)
        if not exported.answer.strip():
            export_blank.append(rel)
        answers[rel] = card.answer
    result = {
        "notes": len(rels),
        "review_nonempty": len(rels) - len(review_blank),
        "export_nonempty": len(rels) - len(export_blank),
        "review_blank": review_blank,
        "export_blank": export_blank,
        "seconds": round(time.perf_counter() - started, 2),
    }
    manifest = root / "MANIFEST.json"
    if manifest.is_file():
        result.update(_against_manifest(json.loads(manifest.read_text("utf-8")), rels, answers))
    return result


def _against_manifest(manifest: dict, rels: list[str], answers: dict[str, str]) -> dict:
    truth = {n["path"] for n in manifest["notes"]}
    listed = set(rels)
    phrase_hits = sum(
        1
        for n in manifest["notes"]
        if n.get("answer_phrase") and n["answer_phrase"] in answers.get(n["path"], "")
    )
    return {
        "manifest_notes": len(truth),
        "not_notes_listed": sorted(listed - truth),
        "notes_missed": sorted(truth - listed),
        "answer_holds_phrase": phrase_hits,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.vault)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    total = result["notes"] or 1
    print(f"notes studycards reads: {result['notes']} ({result['seconds']} s)")
    for key, label in (("review_nonempty", "review/interview"), ("export_nonempty", "export")):
        print(f"non-empty answer in {label}: {result[key]} ({100 * result[key] / total:.1f} %)")
    if "manifest_notes" in result:
        print(f"notes in MANIFEST.json: {result['manifest_notes']}")
        print(f"files read as notes that are not: {len(result['not_notes_listed'])}")
        for rel in result["not_notes_listed"]:
            print(f"    {rel}")
        print(f"notes missed: {len(result['notes_missed'])}")
        for rel in result["notes_missed"]:
            print(f"    {rel}")
        hits = result["answer_holds_phrase"]
        print(f"answers holding the note's answer phrase: {hits} ({100 * hits / total:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
