#!/usr/bin/env python3
"""Records NLTK 3.8's METEOR scores, Porter stems, WordNet synonym sets and word tokens as the reference for Shear's
own METEOR (nltk.translate.meteor_score), Porter stemmer (NLTK_EXTENSIONS mode), WordNet synonym lookup (synsets with
morphy, lemma names without "_") and NLTKWordTokenizer port. Used only to make fixtures, never by CI.

Needs Debian's python with NLTK and WordNet 3.0 (apt-get install python3-nltk wordnet-base):
    /usr/bin/python3 tests/reference/make_meteor_fixture.py tests/Numerics.Tests/Fixtures/translation/meteor.json

Debian's wordnet-base lacks the `lexnames` file NLTK's reader wants; a temporary folder of links plus that file
(WordNet 3.0's 45 lexicographer files, shared/reference/WORDNET.md) makes it readable.
"""
import json
import os
import sys
import tempfile

from nltk.corpus.reader.wordnet import WordNetCorpusReader
from nltk.stem.porter import PorterStemmer
from nltk.tokenize.destructive import NLTKWordTokenizer
from nltk.translate.meteor_score import meteor_score, single_meteor_score

LEXNAMES = [
    ("adj.all", 3), ("adj.pert", 3), ("adv.all", 4), ("noun.Tops", 1), ("noun.act", 1), ("noun.animal", 1),
    ("noun.artifact", 1), ("noun.attribute", 1), ("noun.body", 1), ("noun.cognition", 1), ("noun.communication", 1),
    ("noun.event", 1), ("noun.feeling", 1), ("noun.food", 1), ("noun.group", 1), ("noun.location", 1),
    ("noun.motive", 1), ("noun.object", 1), ("noun.person", 1), ("noun.phenomenon", 1), ("noun.plant", 1),
    ("noun.possession", 1), ("noun.process", 1), ("noun.quantity", 1), ("noun.relation", 1), ("noun.shape", 1),
    ("noun.state", 1), ("noun.substance", 1), ("noun.time", 1), ("verb.body", 2), ("verb.change", 2),
    ("verb.cognition", 2), ("verb.communication", 2), ("verb.competition", 2), ("verb.consumption", 2),
    ("verb.contact", 2), ("verb.creation", 2), ("verb.emotion", 2), ("verb.motion", 2), ("verb.perception", 2),
    ("verb.possession", 2), ("verb.social", 2), ("verb.stative", 2), ("verb.weather", 2), ("adj.ppl", 3),
]


def wordnet_reader():
    folder = tempfile.mkdtemp()
    for name in os.listdir("/usr/share/wordnet"):
        os.symlink(os.path.join("/usr/share/wordnet", name), os.path.join(folder, name))
    with open(os.path.join(folder, "lexnames"), "w") as f:
        for i, (name, cat) in enumerate(LEXNAMES):
            f.write("%02d\t%s\t%d\n" % (i, name, cat))
    return WordNetCorpusReader(folder, None)


# (reference, hypothesis) sentence pairs: exact, stem-only and synonym-only matches, reorderings (chunks),
# repeated words (the greedy right-to-left alignment), case, punctuation, no match at all, empty-ish inputs.
PAIRS = [
    ("the cat sat on the mat", "the cat was sitting on the mat"),
    ("a big house", "a large home"),
    ("It is a guide to action that ensures that the military will forever heed Party commands",
     "It is a guide to action which ensures that the military always obeys the commands of the party"),
    ("It is the guiding principle which guarantees the military forces always being under the command of the Party",
     "It is a guide to action which ensures that the military always obeys the commands of the party"),
    ("the runners were running quickly", "the runner runs quick"),
    ("connection connected connecting", "connections connects connect"),
    ("generalization of the rules", "generalizations of rules"),
    ("he bought a car", "he purchased an automobile"),
    ("the film was good", "the movie was fine"),
    ("she is happy", "she is glad"),
    ("the child cried", "the kid wept"),
    ("begin the task", "start the job"),
    ("the quick brown fox", "fox brown quick the"),
    ("one two three four five six", "six five four three two one"),
    ("a b c d e f g", "a b c x d e f g"),
    ("the the the", "the"),
    ("the", "the the the"),
    ("completely different words here", "nothing matches at all"),
    ("Hello World", "hello world"),
    ("Paris is the capital of France .", "The capital of France is Paris ."),
    ("the dogs barked at the postmen", "a dog was barking at a postman"),
    ("happiness and sadness", "happy and sad"),
    ("he has died", "he is dying"),
    ("skies were blue", "the sky is blue"),
    ("relational databases", "relate database"),
    ("the studies were studied", "a study is studying"),
    ("I love this big city", "I adore this large metropolis"),
    ("the answer is correct", "the response is right"),
    ("we need more time", "we require additional time"),
    ("the rich man gave money", "the wealthy man donated cash"),
    ("le chat est sur le tapis", "le chat était assis sur le tapis"),
    ("la maison bleue", "la maison est bleue"),
    ("cars cars cars", "car"),
    ("he ran fast", "he runs quickly"),
    ("the meeting ended early", "the meetings end earlier"),
    ("x", "y"),
]

MULTI = [
    (["the cat sat on the mat", "a cat is on the mat", "there is a cat on a mat"], "the cat is on the mat"),
    (["le chat noir", "un chat noir dort", "le chien"], "le chat noir dort"),
]

STEM_WORDS = """caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated troubled sized hopping
tanned falling hissing fizzed failing filing happy sky relational conditional rational valenci hesitanci digitizer
conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism decisiveness
hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful
goodness revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment
dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate cease
controll roll dying lying tying news innings outings cannings howe proceed exceed succeed skies dies ied spied tried
flies enjoy enjoyment generously generalizations running runs runner studies studying fully hopefully analogies
apology ox at by is as a sses ies eed happily quickly generously fulli logi archaeology ably yes""".split()

SYN_WORDS = """big large house home car automobile bought purchased film movie happy glad child kid cried wept begin start
task job running ran dogs dying died skies better best geese mice children corpora quickly good fine rich wealthy
answer response correct right love adore city metropolis money cash need require more time the of and is was x""".split()

SENTENCES = [
    "Good muffins cost $3.88 (roughly 3,36 euros)\nin New York.  Please buy me\ntwo of them.\nThanks.",
    "They'll save and invest more.",
    "hi, my name can't hello,",
    "\"Hello,\" she said. 'Don't go!'",
    "Le chat est sur le tapis.",
    "L'homme qu'il a vu n'est pas là : c'est dommage !",
    "« Bonjour », dit-il... puis il partit; 100% sûr @ #5 & co *",
    "I cannot go, gonna wanna gimme -- maybe [or not] {really} <x>",
    "It's 'twas the night; what's up?",
    "“Quoted” and ‘single’ text.",
    "Numbers like 1,000 and 3:30, ratios 2:1 and a:b.",
]


def main(out):
    wn = wordnet_reader()
    stemmer = PorterStemmer()
    tok = NLTKWordTokenizer()
    pairs = []
    for ref, hyp in PAIRS:
        r, h = ref.split(), hyp.split()
        pairs.append({"references": [r], "hypothesis": h, "meteor": meteor_score([r], h, wordnet=wn),
                      "swapped": single_meteor_score(h, r, wordnet=wn)})
    for refs, hyp in MULTI:
        rs, h = [r.split() for r in refs], hyp.split()
        pairs.append({"references": rs, "hypothesis": h, "meteor": meteor_score(rs, h, wordnet=wn),
                      "swapped": max(single_meteor_score(h, r, wordnet=wn) for r in rs)})

    def synonyms(word):
        return sorted(set(l.name() for s in wn.synsets(word) for l in s.lemmas() if "_" not in l.name()) | {word})

    data = {
        "source": "NLTK %s meteor_score (alpha 0.9, beta 3, gamma 0.5), PorterStemmer NLTK_EXTENSIONS, WordNet 3.0 "
                  "(Debian wordnet-base), NLTKWordTokenizer" % __import__("nltk").__version__,
        "pairs": pairs,
        "stems": {w: stemmer.stem(w) for w in STEM_WORDS},
        "synonyms": {w: synonyms(w) for w in SYN_WORDS},
        "tokens": [{"text": s, "tokens": tok.tokenize(s)} for s in SENTENCES],
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
