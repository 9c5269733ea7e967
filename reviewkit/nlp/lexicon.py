"""Small hand-written word lists: extra stop words, statement-kind cues, first names.

Everything here is plain data so that people can read, check and extend it. Lists are short on
purpose: they are cues, not dictionaries. Words are lower-case (names are as written).
"""

from __future__ import annotations

# Words that say little in a theme label ("staff were very good" -> "staff").
EXTRA_STOP_WORDS: dict[str, set[str]] = {
    "en": {
        "very", "really", "lot", "lots", "thing", "things", "anything", "something", "ok",
        "okay", "bit", "also", "just", "get", "got", "make", "made", "feel", "felt", "think",
        "thought", "would", "could", "should", "like", "need", "want", "able", "much", "many",
        "more", "less", "yes", "n/a", "na", "etc", "im", "ive", "dont", "didnt", "cant",
        "wasnt", "be", "do", "have", "say", "said", "go", "went", "come", "came", "give",
        "gave", "take", "took", "use", "used", "way", "u", "absolutely", "quite", "extremely",
        "so", "too", "all", "every", "keep", "keeps", "still", "even", "maybe", "perhaps",
        "please", "i", "me", "my", "we", "us", "our", "you", "your", "they", "them", "their",
        "he", "she", "him", "her", "his", "it", "its", "there", "here", "was", "were", "know",
        "look", "looked", "receive", "received", "work", "overall", "always", "never",
    },
    "cy": {
        "a", "ac", "ar", "at", "am", "bod", "mae", "oedd", "yn", "y", "yr", "'r", "i",
        "o", "fy", "ei", "eu", "ein", "eich", "dw", "rwy", "rydw", "rydyn", "mi", "fi", "ti",
        "ni", "chi", "nhw", "hi", "fe", "fo", "e", "ond", "neu", "hefyd", "iawn", "da", "gyda",
        "efo", "mewn", "wedi", "ddim", "dim", "na", "nad", "nid", "sy", "sydd", "bob", "pob",
        "amser", "bydd", "fydd", "gallu", "gall", "hoffi", "hoffwn", "eisiau", "isio", "angen",
        "mwy", "llai", "gwell", "yw", "ydy", "ydw", "oes", "roedd", "cael", "gael", "wneud",
        "gwneud", "hyn", "hynny", "hwn", "hon", "beth", "pan", "fel", "â", "ag", "dros", "heb",
        "rhy", "weithiau", "byth", "erioed", "wrth", "i'r", "o'r", "a'r", "ym", "yng",
    },
    "pa": {"ਹੈ", "ਹਨ", "ਸੀ", "ਦੇ", "ਦਾ", "ਦੀ", "ਨੂੰ", "ਤੇ", "ਅਤੇ", "ਵਿੱਚ", "ਮੈਂ", "ਇਹ", "ਉਹ", "ਨਾਲ",
           "ਬਹੁਤ", "ਨਹੀਂ"},
}

# Statement kinds: cue words. Multi-word cues are matched on the lower-cased, space-joined text.
POSITIVE: dict[str, set[str]] = {
    "en": {
        "good", "great", "excellent", "brilliant", "lovely", "nice", "kind", "kindness", "caring",
        "friendly", "helpful", "polite", "professional", "happy", "pleased", "love", "enjoy",
        "enjoyed", "like", "likes", "liked", "fantastic", "amazing", "wonderful", "perfect",
        "quick", "quickly", "prompt", "efficient", "clean", "safe", "supportive", "support",
        "thank", "thanks", "grateful", "reassuring", "reassured", "calm", "patient", "respectful",
        "listened", "listen", "understanding", "easy", "fine", "well", "best", "better",
        "improved", "works", "working", "brill", "superb", "outstanding", "fab", "fabulous",
        "welcoming", "comfortable", "fun", "attentive", "compassionate", "informative",
        "efficiently", "smooth", "straightforward", "satisfied", "positive", "ok", "okay",
        "beautiful", "excellently", "nicely", "well-organised", "impressed", "appreciated",
        "care", "cared", "help", "helped", "clear", "thorough", "warm", "reliable", "on time",
    },
    "cy": {"da", "gwych", "hyfryd", "caredig", "cyfeillgar", "hapus", "hoffi", "mwynhau",
           "diolch", "ardderchog", "bendigedig", "defnyddiol", "saff", "diogel", "glân", "hawdd",
           "gwrando", "cefnogol", "grêt", "neis", "wrth fy modd", "dwlu"},
    "pl": {"dobry", "dobrze", "dobra", "dobre", "świetny", "świetnie", "miły", "miło", "mili",
           "pomocny", "pomocni", "lubię", "lubi", "dziękuję", "zadowolony", "zadowolona",
           "bezpieczny", "czysto", "szybko", "super", "wspaniały", "wspaniale", "uprzejmi"},
    "ro": {"bun", "bună", "bine", "foarte bine", "minunat", "amabil", "amabili", "mulțumesc",
           "multumesc", "plăcut", "curat", "rapid", "excelent", "îmi place", "imi place", "ajutor"},
    "ur": {"اچھا", "اچھی", "اچھے", "بہترین", "شکریہ", "خوش", "مددگار", "پسند", "مہربان", "صاف",
           "محفوظ", "زبردست", "عمدہ"},
    "ar": {"جيد", "جيدة", "ممتاز", "ممتازة", "شكرا", "سعيد", "لطيف", "لطيفة", "مفيد", "نظيف",
           "آمن", "أحب", "رائع", "رائعة"},
    "pa": {"ਚੰਗਾ", "ਚੰਗੀ", "ਵਧੀਆ", "ਧੰਨਵਾਦ", "ਖੁਸ਼", "ਪਸੰਦ", "ਮਦਦਗਾਰ"},
}

NEGATIVE: dict[str, set[str]] = {
    "en": {
        "bad", "poor", "poorly", "terrible", "awful", "horrible", "rude", "late", "delay",
        "delayed", "delays", "wait", "waiting", "waited", "long", "slow", "never", "cancelled",
        "canceled", "missed", "miss", "lost", "ignored", "unhelpful", "unfriendly", "dirty",
        "cold", "noisy", "noise", "hard", "difficult", "problem", "problems", "issue", "issues",
        "complaint", "complain", "worried", "worry", "scared", "afraid", "unsafe", "lonely",
        "bored", "boring", "sad", "upset", "angry", "frustrated", "frustrating", "disappointed",
        "disappointing", "unacceptable", "worse", "worst", "lack", "lacking", "shortage",
        "understaffed", "busy", "confusing", "confused", "wrong", "mistake", "error", "pain",
        "painful", "struggle", "struggling", "hate", "dislike", "not", "no", "nobody",
        "nothing", "chaotic", "disorganised", "disorganized", "expensive", "cost", "unable",
        "cannot", "can't", "couldn't", "didn't", "wasn't", "weren't", "won't", "don't",
        "doesn't", "isn't", "aren't", "failed", "fail", "forgot", "forgotten", "unclear",
        "inconsistent", "stressful", "stress", "hours", "ages", "full", "broken", "crowded",
    },
    "cy": {"hwyr", "drwg", "gwael", "anodd", "oer", "swnllyd", "unig", "trist", "poeni",
           "ofn", "problem", "problemau", "aros", "araf", "byth", "ddim", "dim", "anghwrtais",
           "budr", "casáu", "methu", "colli", "rhy"},
    "pl": {"zły", "źle", "zle", "spóźniony", "spóźnia", "spóźniał", "czekać", "czekanie",
           "długo", "niegrzeczny", "brudno", "problem", "nie", "nigdy", "smutny", "trudno",
           "zimno", "głośno", "samotny"},
    "ro": {"rău", "rau", "prost", "târziu", "tarziu", "întârzie", "intarzie", "așteptare",
           "asteptare", "nepoliticos", "murdar", "problemă", "problema", "niciodată", "nu",
           "greu", "trist", "frig", "zgomot"},
    "ur": {"دیر", "برا", "بری", "برے", "خراب", "انتظار", "مسئلہ", "مشکل", "نہیں", "کبھی", "گندا",
           "اداس", "پریشان", "تاخیر", "بدتمیز", "ٹھنڈ", "شور"},
    "ar": {"سيء", "سيئة", "متأخر", "متأخرة", "تأخير", "انتظار", "مشكلة", "صعب", "لا", "ليس",
           "أبدا", "حزين", "قذر", "وقح", "بارد"},
    "pa": {"ਦੇਰ", "ਬੁਰਾ", "ਖਰਾਬ", "ਉਡੀਕ", "ਮੁਸ਼ਕਲ", "ਨਹੀਂ", "ਕਦੇ", "ਉਦਾਸ"},
}

# Words that reverse the polarity of a cue in the next few words ("not good", "never late").
NEGATORS: dict[str, set[str]] = {
    "en": {"not", "no", "never", "n't", "nothing", "nobody", "without", "hardly", "isn't",
           "wasn't", "don't", "didn't", "doesn't", "aren't", "weren't", "won't", "cannot",
           "can't", "couldn't", "lack", "lacking"},
    "cy": {"ddim", "dim", "nid", "na", "nad", "heb", "byth"},
    "pl": {"nie", "bez", "nigdy"},
    "ro": {"nu", "fără", "fara", "niciodată", "niciodata"},
    "ur": {"نہیں", "نہ", "بغیر", "مت"},
    "ar": {"لا", "ليس", "لم", "لن", "بدون", "غير"},
    "pa": {"ਨਹੀਂ", "ਨਾ", "ਬਿਨਾਂ"},
}
# Cue words that are only negative as part of a longer expression when negated; they are
# neutral alone for the negation rule (e.g. "no problems" is positive, "never late" positive).
NEGATED_FLIP_TO_POSITIVE: dict[str, set[str]] = {
    "en": {"problem", "problems", "issue", "issues", "late", "wait", "waiting", "delay",
           "delays", "complaint", "complaints", "worry", "worries", "bad", "rude", "fault",
           "faults", "trouble", "hassle", "fuss"},
}

# Ideas and wishes: phrases at the start of a statement or anywhere in it.
IDEA_START: dict[str, tuple[str, ...]] = {
    "en": ("more ", "less ", "fewer ", "better ", "maybe ", "perhaps ", "please ", "could ",
           "would ", "should ", "need ", "needs ", "it would be", "it'd be", "why not", "have ",
           "have more", "provide ", "offer ", "make ", "allow ", "let ", "give ", "try ",
           "improve ", "increase ", "reduce ", "introduce ", "add ", "extend ", "employ ",
           "get more", "hire ", "stop ", "start ", "change ", "consider ", "ensure ", "ask ",
           "i want to", "i'd like to", "i would like to", "i wish", "i hope", "i'd love",
           "i would love", "in the future"),
    "cy": ("mwy o", "llai o", "hoffwn", "dylai", "dylen", "dylid", "plîs", "plis", "efallai",
           "basai'n", "byddai'n", "fe fyddai", "rwy eisiau", "dw i eisiau", "dwi eisiau",
           "dw i isio", "hoffwn i", "gwell "),
    "pl": ("więcej", "mniej", "chciałbym", "chciałabym", "powinien", "powinno", "powinni",
           "proszę", "może ", "lepiej", "lepszy"),
    "ro": ("mai mult", "mai multe", "mai puțin", "aș vrea", "as vrea", "ar trebui", "vă rog",
           "va rog", "poate ", "mai bine"),
    "ur": ("مزید", "زیادہ", "چاہیے", "چاہئے", "براہ کرم", "میں چاہتا", "میں چاہتی", "بہتر ہو"),
    "ar": ("المزيد", "أكثر", "يجب", "ينبغي", "أتمنى", "أريد", "من فضلك", "ربما"),
    "pa": ("ਹੋਰ", "ਚਾਹੀਦਾ", "ਚਾਹੀਦੀ", "ਕਿਰਪਾ ਕਰਕੇ", "ਮੈਂ ਚਾਹੁੰਦਾ", "ਮੈਂ ਚਾਹੁੰਦੀ"),
}
IDEA_ANYWHERE: dict[str, tuple[str, ...]] = {
    "en": (" should ", " could ", " would be good", " would be nice", " would be better",
           " would help", " would like", " need more", " needs more", " needs to", " need to",
           " suggest", " suggestion", " i wish", " if only", " it would", " wish ", " want to",
           " hope to", " would love", " ought to", " could do with", " would have liked"),
    "cy": (" dylai", " dylid", " hoffwn", " byddai'n dda", " basai'n dda", " eisiau", " isio",
           " angen mwy", " mwy o"),
    "pl": (" powinien", " powinno", " powinni", " chciałbym", " chciałabym", " więcej", " trzeba"),
    "ro": (" ar trebui", " aș vrea", " as vrea", " mai mult", " mi-ar plăcea", " ar fi bine"),
    "ur": (" چاہیے", " چاہئے", " مزید", " چاہتا", " چاہتی", " بہتر ہوگا"),
    "ar": (" يجب", " ينبغي", " أتمنى", " أريد", " المزيد"),
    "pa": (" ਚਾਹੀਦਾ", " ਚਾਹੀਦੀ", " ਚਾਹੁੰਦਾ", " ਚਾਹੁੰਦੀ", " ਹੋਰ"),
}

# A short list of first names common in England and Wales (and among the communities the
# services meet) for masking; capitalisation heuristics catch many more in English text.
FIRST_NAMES = frozenset(
    """
    Aaron Abdul Abigail Adam Adrian Ahmed Aisha Alan Alex Alexander Alfie Alice Alison Amanda
    Amber Amelia Amir Amy Andrea Andrew Angela Ann Anna Anne Anthony Archie Arthur Asif Ava
    Barbara Ben Benjamin Beth Bethan Bill Bilal Bob Brian Callum Cameron Carl Carol Caroline
    Carys Catherine Cerys Charles Charlie Charlotte Chloe Chris Christine Christopher Claire
    Colin Connor Craig Dafydd Daniel Darren Dave David Dawn Dean Deborah Debbie Dennis Derek
    Dylan Eleanor Eleri Elin Elizabeth Ella Ellie Emily Emma Emyr Eric Ethan Evie Fatima
    Freya Gareth Gary Gemma George Geraint Gethin Glenys Graham Grace Gwen Gwenllian Hannah
    Harry Harvey Hassan Heather Helen Henry Hywel Ian Ieuan Imran Iolo Isabel Isabella Isla
    Jack Jacob Jade James Jamie Jan Jane Janet Jason Jayden Jean Jennifer Jenny Jessica Joan
    Joanne John Jonathan Joseph Josh Joshua Joyce Julie Karen Kate Katie Kathleen Kelly
    Kevin Khadija Kieran Laura Lauren Leah Lee Leo Lewis Liam Lily Linda Lisa Llinos Logan
    Louise Lowri Lucy Luke Lynne Mared Margaret Maria Mariam Marie Mark Martin Mary Matthew
    Megan Melanie Michael Michelle Mike Mohammed Mohammad Muhammad Nadia Naomi Natalie
    Nathan Neil Nia Nicola Noah Oliver Olivia Omar Oscar Owain Owen Pamela Patricia Paul
    Pauline Peter Philip Poppy Rachel Rajesh Rebecca Rhiannon Rhys Richard Robert Roger
    Ruby Ryan Sam Samantha Samuel Sandra Sarah Scott Sean Sharon Shirley Sian Siân Simon
    Sioned Sophie Stephen Steve Steven Stuart Susan Tariq Teresa Thomas Tina Tom Tomos Tony
    Tracey Tracy Usman Valerie Victoria Wayne William Yasmin Yusuf Zainab Zara Zoe
    Agnieszka Anna Katarzyna Piotr Tomasz Krzysztof Andrzej Marek Ioana Andrei Mihai Elena
    Gurpreet Harpreet Manpreet Jaspreet Simran Amrit Baljit Sukhwinder Parveen Shabana Nasreen
    Ali Hussain Hamza Layla Noor Yousef
    """.split()
)

# Theme labels: single words that make a weak label on their own ("Thank", "Told") and the
# short flip-chart phrase to use instead when no longer phrase of the theme's own says it.
# Keys are lookup lemmas. Words here that have no phrase are passed over for a better word.
LABEL_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "thank": "Thank you to staff", "thanks": "Thank you to staff",
        "tell": "Being told what is happening", "inform": "Being kept informed",
        "improve": "What could be improved", "improvement": "What could be improved",
        "help": "Getting help", "listen": "Being listened to", "explain": "Things explained",
        "treat": "How people were treated", "wait": "Waiting times", "time": "Time taken",
        "quick": "Quick response", "quickly": "Quick response", "prompt": "Quick response",
        "fault": "Could not fault it", "satisfy": "Satisfied with the service",
        "satisfied": "Satisfied with the service", "experience": "Overall experience",
        "service": "The service overall", "ease": "Ease of use", "easy": "Ease of use",
        "pick": "Pick-up times", "arrive": "Arrival times", "problem": "Problems people had",
        "care": "Care received", "caring": "Caring staff", "speak": "Speaking to someone",
        "talk": "Someone to talk to", "understand": "Being understood",
        "support": "Support received", "advice": "Advice given", "answer": "Answering calls",
    },
}
GENERIC_LABEL_WORDS: dict[str, set[str]] = {
    "en": {
        "true", "wish", "sure", "right", "good", "great", "excellent", "fine", "nice", "lovely",
        "brilliant", "fantastic", "amazing", "perfect", "happy", "pleased", "well", "best",
        "better", "honestly", "honest", "definitely", "certainly", "find", "found", "try",
        "tried", "ask", "asked", "call", "want", "see", "put", "let", "seem", "hope", "mean",
        "sort", "kind", "bad", "poor", "terrible", "awful", "happen", "leave", "start",
    },
}
# Theme labels: words that say nothing about what a theme is about, alone or together ("Nothing
# really", "Very good", "Everything was fine"). A label needs at least one word that is neither
# one of these, a generic word above nor a stop word. Topic words such as "staff", "room",
# "visit", "service" or "care" are not here: they make a label with another word ("Waiting room",
# "Staff who listen") and, like every word, never make one alone (a label has 2 to 5 words).
EMPTY_LABEL_WORDS: dict[str, set[str]] = {
    "en": {
        "nothing", "everything", "anything", "something", "none", "no", "yes", "ok", "okay",
        "thing", "lot", "bit", "really", "very", "just", "much", "all", "overall", "everyone",
        "day", "today", "way", "job", "again", "else", "etc", "na", "nil", "comment", "say",
        "think", "feel", "make", "get", "go", "come", "give", "take", "keep", "know", "thank",
        "thanks", "would", "could", "also", "extremely", "absolutely", "always", "quite",
    },
}
# Theme labels: stop words of the vectors that a label may start or end on, because in feedback
# they name what a theme is about ("Call handlers", "Front door", "Made me feel safe", "Keep up
# the good work"). Alone they are still not a label (generic or empty words above).
LABEL_CONTENT_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"call", "calls", "name", "front", "side", "top", "bottom", "full", "empty",
                     "fire", "serious", "part", "move", "show", "feel", "felt", "made", "make",
                     "keep"}),
}
# Words a label writes as people do, not lower-cased (tokens are read lower-cased).
LABEL_CASE: dict[str, dict[str, str]] = {
    "en": {"i": "I", "i'm": "I'm", "i've": "I've", "nhs": "NHS", "gp": "GP", "gps": "GPs",
           "a&e": "A&E", "uk": "UK", "ct": "CT", "mri": "MRI", "ecg": "ECG", "covid": "Covid",
           "ot": "OT", "ots": "OTs", "cpn": "CPN", "camhs": "CAMHS", "adhd": "ADHD",
           "ptsd": "PTSD",
           "english": "English", "welsh": "Welsh", "monday": "Monday", "tuesday": "Tuesday",
           "wednesday": "Wednesday", "thursday": "Thursday", "friday": "Friday",
           "saturday": "Saturday", "sunday": "Sunday", "christmas": "Christmas",
           # "Gym on Tuesdays", not "Gym on tuesdays" (words are read lower-cased)
           "mondays": "Mondays", "tuesdays": "Tuesdays", "wednesdays": "Wednesdays",
           "thursdays": "Thursdays", "fridays": "Fridays", "saturdays": "Saturdays",
           "sundays": "Sundays", "january": "January", "february": "February",
           "april": "April", "june": "June", "july": "July", "august": "August",
           "september": "September", "october": "October", "november": "November",
           "december": "December", "easter": "Easter"},
}
