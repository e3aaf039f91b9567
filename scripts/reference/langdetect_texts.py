"""Hand-written response-like paragraphs for the langdetect fixture (langdetect_fixtures.py):
one or two per language, covering every language IFEval's response_language asks for plus
the neighbours langdetect confuses them with. Written for this project; no dataset text."""

PARAGRAPHS = {
    "en": [
        "Sure! Here is a short summary of the article. The author argues that remote work "
        "makes teams more productive, but only when managers set clear goals and trust "
        "their employees to meet them.",
        "My favorite season is autumn because the air is cool, the leaves turn red and "
        "gold, and there is nothing better than a long walk followed by a warm cup of tea.",
    ],
    "hi": [
        "भारत एक विशाल देश है जिसमें अनेक भाषाएँ, धर्म और परंपराएँ एक साथ रहती हैं। यहाँ के "
        "त्योहार, जैसे दिवाली और होली, पूरे देश में बड़े उत्साह से मनाए जाते हैं।",
        "मुझे सुबह जल्दी उठना पसंद है क्योंकि उस समय वातावरण शांत होता है और मैं अपने दिन की "
        "योजना आराम से बना सकता हूँ।",
    ],
    "kn": [
        "ಕರ್ನಾಟಕವು ದಕ್ಷಿಣ ಭಾರತದ ಒಂದು ಸುಂದರ ರಾಜ್ಯ. ಇಲ್ಲಿನ ಜನರು ಕನ್ನಡ ಭಾಷೆಯನ್ನು ಮಾತನಾಡುತ್ತಾರೆ "
        "ಮತ್ತು ಇಲ್ಲಿನ ಸಂಸ್ಕೃತಿ ಬಹಳ ಶ್ರೀಮಂತವಾಗಿದೆ.",
    ],
    "mr": [
        "महाराष्ट्र हे भारतातील एक महत्त्वाचे राज्य आहे. मुंबई ही त्याची राजधानी असून ती "
        "देशाची आर्थिक राजधानी म्हणूनही ओळखली जाते. येथील लोक मराठी भाषा बोलतात.",
    ],
    "vi": [
        "Hà Nội là thủ đô của Việt Nam, nổi tiếng với những con phố cổ, hồ Hoàn Kiếm và "
        "ẩm thực phong phú. Mỗi năm có hàng triệu du khách đến thăm thành phố này.",
        "Tôi thích đọc sách vào buổi tối vì đó là lúc yên tĩnh nhất trong ngày.",
    ],
    "ko": [
        "서울은 대한민국의 수도이며 인구가 약 천만 명에 달하는 큰 도시입니다. 이곳에는 "
        "오래된 궁궐과 현대적인 건물이 함께 어우러져 있습니다.",
        "저는 주말마다 친구들과 함께 등산을 가는 것을 좋아합니다.",
    ],
    "sw": [
        "Kiswahili ni lugha inayozungumzwa na mamilioni ya watu katika Afrika Mashariki. "
        "Ni lugha rasmi nchini Tanzania na Kenya, na inatumika sana katika biashara.",
        "Leo nimeamka mapema na kwenda sokoni kununua matunda na mboga kwa ajili ya familia.",
    ],
    "de": [
        "Natürlich! Hier ist eine kurze Zusammenfassung: Der Autor meint, dass Arbeit von "
        "zu Hause aus die Teams produktiver macht, wenn die Ziele klar sind.",
        "Im Winter fahren wir oft in die Berge, um Ski zu fahren und die frische Luft zu genießen.",
    ],
    "pa": [
        "ਪੰਜਾਬ ਭਾਰਤ ਦਾ ਇੱਕ ਉਪਜਾਊ ਸੂਬਾ ਹੈ। ਇੱਥੋਂ ਦੇ ਲੋਕ ਮਿਹਨਤੀ ਹਨ ਅਤੇ ਖੇਤੀਬਾੜੀ ਉਨ੍ਹਾਂ ਦਾ "
        "ਮੁੱਖ ਕਿੱਤਾ ਹੈ। ਭੰਗੜਾ ਇੱਥੋਂ ਦਾ ਮਸ਼ਹੂਰ ਨਾਚ ਹੈ।",
    ],
    "fa": [
        "ایران کشوری با تاریخ و فرهنگ بسیار کهن است. شهرهای اصفهان و شیراز به خاطر "
        "معماری زیبا و باغ‌های دیدنی خود مشهور هستند.",
        "من هر روز صبح یک فنجان چای می‌نوشم و کتاب می‌خوانم.",
    ],
    "ar": [
        "اللغة العربية من أكثر اللغات انتشارا في العالم، ويتحدث بها أكثر من أربعمائة مليون "
        "شخص. وهي لغة القرآن الكريم ولها تاريخ أدبي طويل.",
    ],
    "ur": [
        "پاکستان کا دارالحکومت اسلام آباد ہے۔ یہ شہر اپنی خوبصورتی اور سرسبز پہاڑوں کی وجہ "
        "سے مشہور ہے، اور یہاں کے لوگ بہت مہمان نواز ہیں۔",
    ],
    "ru": [
        "Конечно! Вот краткое содержание статьи: автор считает, что удалённая работа "
        "повышает продуктивность команды, если цели ясно поставлены.",
        "Зимой мы часто катаемся на лыжах и пьём горячий чай с друзьями.",
    ],
    "bg": [
        "България е красива страна в Югоизточна Европа. Тук има планини, море и много "
        "исторически места, които привличат туристи през цялата година.",
    ],
    "uk": [
        "Київ є столицею України і одним з найстаріших міст Східної Європи. Тут багато "
        "церков, парків і музеїв, які варто відвідати.",
    ],
    "mk": [
        "Скопје е главен град на Македонија. Градот има долга историја и многу убави "
        "места за посета, особено стариот дел на градот.",
    ],
    "pt": [
        "Claro! Aqui está um breve resumo: o autor defende que o trabalho remoto torna as "
        "equipas mais produtivas, desde que os objetivos sejam claros.",
        "No verão gostamos de ir à praia e comer peixe grelhado com os nossos amigos.",
    ],
    "es": [
        "¡Por supuesto! Aquí tienes un breve resumen: el autor sostiene que el trabajo a "
        "distancia hace que los equipos sean más productivos cuando los objetivos están claros.",
    ],
    "it": [
        "Certo! Ecco un breve riassunto: l'autore sostiene che il lavoro da casa rende i "
        "gruppi più produttivi, purché gli obiettivi siano chiari.",
        "D'estate andiamo spesso al mare e mangiamo il gelato in piazza la sera.",
    ],
    "fr": [
        "Bien sûr ! Voici un court résumé : l'auteur affirme que le télétravail rend les "
        "équipes plus productives, à condition que les objectifs soient clairs.",
    ],
    "ro": [
        "România este o țară frumoasă, cu munți înalți și o istorie bogată. Bucureștiul "
        "este capitala și cel mai mare oraș al țării.",
    ],
    "ca": [
        "Barcelona és una ciutat oberta al mar, coneguda per l'arquitectura de Gaudí i per "
        "la seva vida cultural molt intensa.",
    ],
    "nl": [
        "Natuurlijk! Hier is een korte samenvatting: de schrijver vindt dat thuiswerken "
        "teams productiever maakt, als de doelen duidelijk zijn.",
    ],
    "af": [
        "Kaapstad is 'n pragtige stad aan die voet van Tafelberg. Baie mense besoek die "
        "stad elke jaar vir die strande en die wyn.",
    ],
    "sv": [
        "Självklart! Här är en kort sammanfattning: författaren menar att distansarbete "
        "gör grupper mer produktiva när målen är tydliga.",
    ],
    "no": [
        "Om vinteren går vi ofte på ski i fjellet, og etterpå drikker vi varm kakao i hytta.",
    ],
    "da": [
        "Om sommeren cykler vi ofte til stranden og spiser is sammen med vores venner.",
    ],
    "fi": [
        "Suomi on maa, jossa on tuhansia järviä ja laajoja metsiä. Talvella päivät ovat "
        "lyhyitä, mutta kesällä aurinko paistaa melkein koko yön.",
    ],
    "et": [
        "Tallinn on Eesti pealinn ja selle vanalinn on üks paremini säilinud keskaegseid "
        "linnu Euroopas.",
    ],
    "hu": [
        "Budapest Magyarország fővárosa, amelyet a Duna két részre oszt. A város híres a "
        "gyógyfürdőiről és a szép hídjairól.",
    ],
    "pl": [
        "Oczywiście! Oto krótkie podsumowanie: autor uważa, że praca zdalna sprawia, że "
        "zespoły są bardziej wydajne, jeśli cele są jasne.",
    ],
    "cs": [
        "Praha je hlavní město České republiky a leží na řece Vltavě. Každý rok ji navštíví "
        "miliony turistů.",
    ],
    "sk": [
        "Bratislava je hlavné mesto Slovenska a leží na brehu Dunaja, blízko hraníc s "
        "Rakúskom a Maďarskom.",
    ],
    "hr": [
        "Zagreb je glavni grad Hrvatske i poznat je po lijepim parkovima, muzejima i "
        "kavanama u starom dijelu grada.",
    ],
    "sl": [
        "Ljubljana je glavno mesto Slovenije in je znana po zelenih parkih ter reki "
        "Ljubljanici, ki teče skozi središče mesta.",
    ],
    "tr": [
        "Elbette! İşte kısa bir özet: yazar, hedefler açık olduğunda uzaktan çalışmanın "
        "ekipleri daha verimli hale getirdiğini savunuyor.",
    ],
    "id": [
        "Tentu! Berikut ringkasan singkatnya: penulis berpendapat bahwa bekerja dari rumah "
        "membuat tim lebih produktif jika tujuannya jelas.",
    ],
    "tl": [
        "Ang Maynila ay ang kabisera ng Pilipinas. Maraming tao ang nakatira dito at "
        "maraming makasaysayang lugar ang maaaring bisitahin.",
    ],
    "so": [
        "Muqdisho waa caasimadda Soomaaliya. Magaaladu waxay ku taallaa xeebta badweynta "
        "Hindiya, dadkeeduna waa kuwo soo dhaweeya martida.",
    ],
    "lt": [
        "Vilnius yra Lietuvos sostinė. Senamiestis garsėja siauromis gatvelėmis ir "
        "gražiomis bažnyčiomis.",
    ],
    "lv": [
        "Rīga ir Latvijas galvaspilsēta, un tās vecpilsēta ir iekļauta pasaules mantojuma sarakstā.",
    ],
    "sq": [
        "Tirana është kryeqyteti i Shqipërisë dhe një qytet plot ngjyra, me kafene dhe parqe të bukura.",
    ],
    "cy": [
        "Mae Caerdydd yn brifddinas Cymru ac mae llawer o bobl yn siarad Cymraeg yno bob dydd.",
    ],
    "el": [
        "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και μία από τις αρχαιότερες πόλεις του "
        "κόσμου. Η Ακρόπολη δεσπόζει πάνω από την πόλη.",
    ],
    "he": [
        "ירושלים היא עיר עתיקה וחשובה לשלוש דתות. בכל שנה מגיעים אליה מבקרים רבים מכל העולם.",
    ],
    "th": [
        "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย มีวัดที่สวยงามและอาหารริมทางที่อร่อยมากมาย",
    ],
    "ta": [
        "தமிழ் உலகின் மிகப் பழமையான மொழிகளில் ஒன்றாகும். தமிழ்நாட்டில் கோடிக்கணக்கான மக்கள் "
        "இந்த மொழியைப் பேசுகிறார்கள்.",
    ],
    "te": [
        "తెలుగు భారతదేశంలో ఎక్కువ మంది మాట్లాడే భాషలలో ఒకటి. హైదరాబాద్ తెలంగాణ రాష్ట్ర రాజధాని.",
    ],
    "ml": [
        "കേരളം ഇന്ത്യയുടെ തെക്കുപടിഞ്ഞാറൻ ഭാഗത്തുള്ള ഒരു സുന്ദരമായ സംസ്ഥാനമാണ്.",
    ],
    "gu": [
        "ગુજરાત ભારતના પશ્ચિમ ભાગમાં આવેલું રાજ્ય છે. અમદાવાદ તેનું સૌથી મોટું શહેર છે અને "
        "અહીંના લોકો વેપાર માટે જાણીતા છે.",
    ],
    "bn": [
        "বাংলাদেশ একটি নদীমাতৃক দেশ। এখানে পদ্মা, মেঘনা ও যমুনা নদী প্রবাহিত হয় এবং মানুষ "
        "মাছ ও ভাত খেতে ভালোবাসে।",
    ],
    "ne": [
        "नेपाल हिमालयको काखमा रहेको एउटा सुन्दर देश हो। यहाँ संसारको सबैभन्दा अग्लो हिमाल "
        "सगरमाथा पर्दछ।",
    ],
    "ja": [
        "もちろんです。記事の要約は次のとおりです。著者は、目標が明確であれば在宅勤務は"
        "チームの生産性を高めると主張しています。",
    ],
    "zh-cn": [
        "当然可以！以下是文章的简要总结：作者认为，只要目标明确，远程办公可以让团队更加高效。",
    ],
    "zh-tw": [
        "當然可以！以下是文章的簡要總結：作者認為，只要目標明確，遠程辦公可以讓團隊更加高效。",
    ],
}

# English replies in the shape IFEval's change_case:english_capital prompts get: the
# motivating case for this fixture is these replies written in capitals.
ENGLISH_REPLIES = [
    "Here is a short poem about the ocean.\n\nThe waves roll in, the waves roll out,\n"
    "The gulls above them wheel about.",
    "Title: A Day at the Market\n\nWe woke up early and walked to the market. The stalls "
    "were full of apples, bread and cheese, and everyone was in a good mood.",
    "1. Preheat the oven to 180 degrees.\n2. Mix the flour, sugar and eggs.\n3. Bake for "
    "25 minutes and let it cool before serving.",
    "Dear hiring manager, I am writing to apply for the position of software engineer at "
    "your company. I have five years of experience building web services.",
    "The main reasons for the fall of the Roman Empire were political instability, "
    "economic decline and pressure from tribes on its borders.",
    "Yes, you can. Just make sure the battery is fully charged before you start, and keep "
    "the device away from water.",
    "My answer is no. The claim is not supported by the data in the report.",
    "In summary, regular exercise improves sleep, mood and overall health.",
    "Why did the chicken cross the road? To get to the other side!",
    "Thank you for your question. The capital of Australia is Canberra, not Sydney.",
    "P.S. Please send me the slides before Friday.",
    "Limerick: There once was a man from Peru, who dreamed he was eating his shoe.",
    "The quick brown fox jumps over the lazy dog.",
    "Section 1: Introduction. Section 2: Methods. Section 3: Results.",
    "It was a bright cold day in April, and the clocks were striking thirteen.",
    "Rating: 4 out of 5. The hotel was clean, the staff were friendly and the breakfast was good.",
]

# Short, odd or mixed texts: where langdetect has little to go on.
ODD_TEXTS = [
    "", " ", "12345", "3.14159 + 2.71828 = 5.85987", "!!! ??? ...", "$100", "—", "…",
    "🙂", "🙂🙂🙂 👍", "😀 ok 😀", "❤️ LOVE ❤️", "#1", "A", "I", "OK", "ok", "USA", "NASA and FBI",
    "Hi", "Yes", "No", "Thanks!", "Bonjour", "Hola", "Ciao", "Danke", "Merci beaucoup",
    "x = 5", "def f(x):\n    return x * 2", "SELECT * FROM users WHERE id = 1;",
    "<p>Hello</p>", "{\"answer\": \"yes\"}", "```python\nprint('hi')\n```",
    "https://example.com/page?q=1", "write to me at someone@example.org", "visit www.example.com",
    "Ⓐ Ⓑ Ⓒ", "ǅ ǈ ǋ", "ΑΒΓ", "ÀÉÎÕÜ", "ß", "İstanbul", "ǈubljana",
    "Σ σ ς", "Ω", "ー", "々", "〇", "한", "ㄅㄆㄇ", "ア", "あ", "中", "國",
    "Zażółć gęślą jaźń", "Příliš žluťoučký kůň", "Ein Fuchs", "Tôi", "Việt Nam",
    "Cà phê sữa đá", "Mười", "ØRESUND", "ÆØÅ æøå",
    "Ʃ ʃ", "Ꭰ Ꭱ", "ሰላም", "ᠮᠣᠩᠭᠣᠯ", "ᚠᚢᚦ", "𝐇𝐞𝐥𝐥𝐨", "𝔸𝔹ℂ", "ℌℑ",
]
