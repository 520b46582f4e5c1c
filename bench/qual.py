"""Benchmark of code suggestions: 10,000 interview passages against a 12-code codebook.

Passages are built from interview-like sentences (15-45 words, the length of a coded
sentence in a transcript) so that the model sees realistic token counts; each code has a
label, a description and five coded examples. Times are wall-clock on this machine, with the
model loaded once (reported apart) and every passage encoded from cold.

    .venv/bin/python -m bench.qual                      # 10,000 passages, both methods
    .venv/bin/python -m bench.qual --segments 2000 --method tfidf   # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import time

from civharm.qualitative.suggest import MiniLMEmbedder, TfidfEmbedder, suggest

CODES = {
    "Water and sanitation": "Damage to pumping stations, pipes, wells; people without clean water.",
    "Schools and education": "Schools hit, closed or used by armed actors; children out of class.",
    "Health care": "Clinics and hospitals damaged, staff harmed, medicine lacking.",
    "Markets and livelihoods": "Markets struck, shops closed, farmers unable to work their fields.",
    "Unexploded ordnance": "Remnants of war, mines and unexploded shells after the fighting.",
    "Displacement": "Families forced to leave their homes, camps, return.",
    "Checkpoints and movement": "Checkpoints, closed roads, people stopped or searched.",
    "Warnings and information": "Warnings before strikes, leaflets, radio, rumours.",
    "Acknowledgement and redress": "Apologies, condolence payments, repairs, being listened to.",
    "Trust in forces": "How people see foreign and local forces, trust and fear.",
    "Gendered harm": "Harm to women and girls, sexual violence, restricted movement.",
    "Cultural heritage": "Mosques, churches, old markets and archaeological sites damaged or looted.",
}
SUBJECTS = [
    "My neighbour",
    "The teacher",
    "An old farmer",
    "We",
    "The women of the street",
    "The council",
    "A doctor at the clinic",
    "The children",
    "Our family",
    "People from the camp",
]
VERBS = ["said that", "told us that", "remembered that", "complained that", "explained that", "feared that"]
CLAUSES = [
    "the pumping station was hit and nobody had water for nine days",
    "the school stayed closed because soldiers slept in the classrooms",
    "the clinic had no medicine after the road was cut",
    "the market burned and the shops never opened again",
    "a shell that did not explode still lies in the wheat field near the river",
    "they left the village at night and walked to the camp",
    "the checkpoint men searched every car and took the young men aside",
    "there was no warning before the aircraft came over the houses",
    "nobody from the forces came to apologise or to pay for the house",
    "people no longer trust the patrols that pass through the town",
    "women stopped going to the well alone after what happened",
    "the old mosque lost its minaret and thieves dug in the ruins",
]
TAILS = [
    "",
    " and it is still like that today",
    " even though the fighting had moved further east",
    " which made the winter much harder for everyone",
    " according to what the elders decided",
]


def passages(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        sentence = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}{rng.choice(TAILS)}"
        if rng.random() < 0.5:  # a second clause, as speakers run sentences together
            sentence += f", and {rng.choice(CLAUSES)}"
        out.append(f"{sentence} ({rng.randint(1, 99_999)}).")  # keeps passages distinct
    return out


def examples(rng: random.Random) -> dict[str, list[str]]:
    return {
        code: [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {CLAUSES[i]}." for _ in range(5)]
        for i, code in enumerate(CODES)
    }


def run(
    method: str, texts: list[str], coded: dict[str, list[str]], quantise: bool, runtime: str
) -> tuple[float, float, float, float, str]:
    started = time.perf_counter()
    embedder: MiniLMEmbedder | TfidfEmbedder
    if method == "embeddings":
        embedder = MiniLMEmbedder(quantise=quantise, runtime=runtime if quantise else "torch")
        label = f"MiniLM-L6 {'int8' if quantise else 'fp32'} {embedder.runtime}"
    else:
        embedder, label = TfidfEmbedder(), "tf-idf"
    loaded = time.perf_counter()
    cpu = time.process_time()
    found = suggest(embedder, examples=coded, descriptions=CODES, passages=texts, top=3)
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    # How often the top suggestion is the code of the passage's first clause.
    right = sum(
        1 for text, s in zip(texts, found, strict=True) if s and CLAUSES[list(CODES).index(s[0].code)] in text
    )
    return loaded - started, done - loaded, cpu, right / len(texts), label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--method", choices=["embeddings", "tfidf", "both"], default="both")
    parser.add_argument("--no-quantise", action="store_true", help="Keep the model's float32 weights.")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: one per core).")
    parser.add_argument(
        "--runtime", choices=["auto", "onnx", "torch"], default="auto", help="Where the int8 model runs."
    )
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    rng = random.Random(11)
    texts, coded = passages(args.segments, rng), examples(rng)
    methods = ["embeddings", "tfidf"] if args.method == "both" else [args.method]
    print(f"cores: {os.cpu_count()}  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = ("method", "passages", "load s", "suggest s", "cpu s", "per s", "top-1 hits")
    print(
        f"{header[0]:<26}"
        + "".join(f"{h:>{w}}" for h, w in zip(header[1:], (10, 9, 11, 9, 9, 12), strict=True))
    )
    for method in methods:
        load_s, suggest_s, cpu_s, hits, label = run(
            method, texts, coded, quantise=not args.no_quantise, runtime=args.runtime
        )
        rate = len(texts) / suggest_s
        print(
            f"{label:<26}{len(texts):>10,}{load_s:>9.1f}{suggest_s:>11.1f}{cpu_s:>9.1f}{rate:>9.0f}{hits:>11.0%}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
