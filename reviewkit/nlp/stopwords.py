"""Stop words for the languages spaCy has no usable list for: Welsh, Punjabi (Gurmukhi), Urdu.

spaCy 3.8 ships lists for English, Polish, Romanian, Arabic and Urdu (``spacy.lang.*``) but
none for Welsh or Punjabi, and its Urdu list is mostly mis-encoded (it was converted from a
legacy font encoding: "ثہت" where "بہت" is meant, "ضے" for "سے"), so that common words such as
میں, سے, بہت, مجھے and نہیں are missing from it. The lists below fill those gaps.

Source: written by hand for reviewkit (November 2025), from the closed word classes of each
language only: articles, particles, pronouns and possessives, prepositions or postpositions,
conjunctions, the forms of "to be" and of the auxiliary verbs, question words, and adverbs of
quantity and frequency. They are short on purpose; extend them with care. Content words are
left out even where they are frequent in feedback ("aros" wait, "bws", دیر late, ਦੇਰ late): a
theme about waiting must keep its words. Nothing here is fetched at run time. Words are
lower-case and compared after Unicode NFC.

Welsh words come with their mutated forms ("bod"/"fod", "gwneud"/"wneud") and with the
clitics written after an apostrophe ("'r", "'n", "'i", "'w"); a token such as "mae'r" or "i'n"
is a stop word when every part of it is (see :func:`reviewkit.nlp.pipeline.is_stop`).
"""

from __future__ import annotations

WELSH = set(
    """
    y yr 'r yn 'n fe mi a ac ni nid na nad nac mai taw oni onid os pe pan
    i fi mi ti di chdi e fe o fo hi ni ninnau chi nhw hwy hwythau minnau tithau yntau hithau
    chithau finnau fy 'y 'm dy 'th ei 'i 'w ein eich 'ch eu 'u
    am ar at gan gen gyda gydag efo heb hyd dan tan dros drwy trwy wrth rhwng mewn yng ym
    â ag tua tuag ger oddi fel ers erbyn cyn wedi rhag
    arna arnaf arnat arno arni arnom arnon arnoch arnyn arnynt ata ataf atat ato ati aton
    atoch atyn iddo iddi iddyn iddynt imi iti inni ichi ohono ohoni ohonyn ohonynt ganddo
    ganddi ganddyn ganddynt gennyf gennym gennych gynno gyni efo fi
    ond neu achos oherwydd felly tra nes er hefyd yna wedyn ynteu sef
    bod fod mae maen maent ydy ydi yw ydw ydych ydyn ydynt ydym dw dwi dwi'n rwy rwyf rydw
    rydyn rydych rydym ry'n ry'ch oedd roedd roeddwn roeddet roedden roeddech roeddent oeddwn
    oeddet oedden oeddech oeddent bydd fydd byddai fyddai byddwn fyddwn byddaf fyddaf bydda
    fydda byddan byddant bydden fydden basai fasai baswn faswn buodd fuodd bu fu buais fues
    bues oes sy sydd sai
    gwneud wneud gwnaeth wnaeth gwnes wnes gwnaf wnaf gwna wna gallu allu gall gallaf galla
    gallwn gallai allai cael gael caf ces cafodd gafodd mynd fynd dod ddod daeth aeth
    hyn hynny hwn hon honno hwnnw yma 'ma 'na acw pob bob pawb popeth rhai rhywun rhywbeth
    dim ddim unrhyw llawer lot ychydig mwy llai mor rhy iawn eithaf braidd tipyn digon sawl
    beth be pwy ble pryd sut pam faint pa un
    eto byth erioed weithiau aml nawr rŵan rwan rhywbryd
    ie naddo nage do
    """.split()
)

URDU = set(
    """
    کا کے کی کو سے میں پر تک نے والا والے والی لیے لئے ساتھ بغیر بارے طرف جیسے جیسا جیسی
    مجھے مجھ میرا میری میرے ہم ہمیں ہمارا ہماری ہمارے تم تمہیں تمہارا تمہاری تمہارے تو تجھے
    آپ وہ اس اسے اسکا اسکی اسکے ان انہیں انہوں انکا انکی انکے یہ یہی وہی یہاں وہاں اپنا اپنی
    اپنے کوئی کچھ سب ہر کسی جو جس جن
    ہے ہیں ہوں ہو تھا تھی تھے تھیں ہوتا ہوتی ہوتے ہوا ہوئی ہوئے ہونا گا گی گے رہا رہی رہے
    جاتا جاتی جاتے گیا گئی گئے سکتا سکتی سکتے کر کرتا کرتی کرتے کرنا کرنے جانا رہنا سکنا
    اور یا لیکن مگر کہ اگر بھی ہی نہ نہیں کیونکہ جب تب پھر
    بہت زیادہ کافی بالکل اب ابھی ہمیشہ کبھی اکثر کیا کیوں کیسے کہاں کون کب جی ہاں
    """.split()
)

PUNJABI = set(
    """
    ਦਾ ਦੇ ਦੀ ਦੀਆਂ ਨੂੰ ਨੇ ਤੋਂ ਤੇ ਵਿੱਚ ਵਿਚ ਨਾਲ ਲਈ ਕੋਲ ਉੱਤੇ ਉੱਪਰ ਤੱਕ ਤਕ ਵਾਂਗ ਬਾਰੇ ਵੱਲ ਬਿਨਾਂ
    ਮੈਂ ਮੈਨੂੰ ਮੇਰਾ ਮੇਰੇ ਮੇਰੀ ਮੇਰੀਆਂ ਅਸੀਂ ਸਾਨੂੰ ਸਾਡਾ ਸਾਡੇ ਸਾਡੀ ਤੂੰ ਤੈਨੂੰ ਤੇਰਾ ਤੇਰੇ ਤੇਰੀ ਤੁਸੀਂ
    ਤੁਹਾਨੂੰ ਤੁਹਾਡਾ ਤੁਹਾਡੇ ਤੁਹਾਡੀ ਉਹ ਉਸ ਉਸਦਾ ਉਸਦੇ ਉਸਦੀ ਉਸਨੂੰ ਉਹਨਾਂ ਉਨ੍ਹਾਂ ਇਹ ਇਸ ਇਹਨਾਂ
    ਇਨ੍ਹਾਂ ਆਪ ਆਪਣਾ ਆਪਣੇ ਆਪਣੀ ਕੋਈ ਕੁਝ ਸਭ ਸਾਰੇ ਸਾਰਾ ਹਰ ਜੋ ਜਿਸ ਜਿਹੜਾ ਜਿਹੜੇ ਜਿਹੜੀ
    ਹੈ ਹਨ ਹਾਂ ਹੋ ਸੀ ਸਨ ਸਾਂ ਹੋਣਾ ਹੁੰਦਾ ਹੁੰਦੀ ਹੁੰਦੇ ਹੋਇਆ ਹੋਈ ਹੋਏ ਗਿਆ ਗਈ ਗਏ ਰਿਹਾ ਰਹੀ ਰਹੇ
    ਜਾਂਦਾ ਜਾਂਦੀ ਜਾਂਦੇ ਸਕਦਾ ਸਕਦੀ ਸਕਦੇ ਕਰ ਕਰਦਾ ਕਰਦੀ ਕਰਦੇ ਗਾ ਗੀ ਗੇ
    ਅਤੇ ਜਾਂ ਪਰ ਕਿ ਜੇ ਜੇਕਰ ਤਾਂ ਵੀ ਹੀ ਨਾ ਨਹੀਂ ਕਿਉਂਕਿ ਜਦੋਂ ਫਿਰ ਫੇਰ
    ਬਹੁਤ ਬਹੁਤੀ ਕਾਫ਼ੀ ਜ਼ਿਆਦਾ ਥੋੜ੍ਹਾ ਹੁਣ ਕਦੇ ਹਮੇਸ਼ਾ ਅਕਸਰ ਕੀ ਕਿਉਂ ਕਿਵੇਂ ਕਿੱਥੇ ਕੌਣ ਕਦੋਂ ਜੀ ਇੱਥੇ ਉੱਥੇ
    """.split()
)

# Arabic: spaCy's list is good; these are frequency words common in feedback that it lacks.
ARABIC = {"دائما", "دائماً", "أبدا", "أبداً", "كثيرا", "كثيراً", "جدا", "جداً", "أحيانا", "أحياناً",
          "قليلا", "قليلاً", "شيء", "يتم", "عندما", "انا", "انت", "هو", "هي"}

# Words spaCy lists as stop words that carry the topic of a feedback statement.
NOT_STOP = {"ur": {"دیر", "دیر سے"}, "ro": {"timp"}}

LISTS: dict[str, set[str]] = {"cy": WELSH, "ur": URDU, "pa": PUNJABI, "ar": ARABIC}
