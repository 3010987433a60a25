"""Moroccan names with the Latin spellings civil registers and partners actually use.

Used only by the synthetic generator (``synth.py``): the matching engine itself never looks
a name up, it works from the letters (see ``translit.py``). Each entry is
``(arabic, (latin spellings...))``, the most common Latin spelling first.
"""

from __future__ import annotations

MALE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("محمد", ("Mohamed", "Mohammed", "Muhammad", "Mohammad")),
    ("امحمد", ("M'hamed", "Mhamed", "Emhamed", "Mhammed")),
    ("أحمد", ("Ahmed", "Ahmad", "Hmed")),
    ("يوسف", ("Youssef", "Yousef", "Youcef", "Youssouf")),
    ("عبد الله", ("Abdellah", "Abdallah", "Abdelah", "Abdullah")),
    ("عبد الرحمن", ("Abderrahmane", "Abderrahman", "Abdel Rahman", "Abdurrahman")),
    ("عبد القادر", ("Abdelkader", "Abdelkadir", "Abdel Kader")),
    ("عبد العزيز", ("Abdelaziz", "Abdel Aziz", "Abdulaziz")),
    ("عبد الإله", ("Abdelilah", "Abdelillah", "Abdelilah")),
    ("عبد السلام", ("Abdeslam", "Abdesslam", "Abdessalam", "Abdel Salam")),
    ("عبد اللطيف", ("Abdellatif", "Abdelatif", "Abdel Latif")),
    ("عبد الرحيم", ("Abderrahim", "Abderahim", "Abdel Rahim")),
    ("حسن", ("Hassan", "Hasan", "Hassane")),
    ("حسين", ("Houssine", "Hussein", "Hossein", "Houcine")),
    ("الحسين", ("El Houssine", "Lhoussine", "Elhoucine", "Al Hussein")),
    ("علي", ("Ali", "Aly")),
    ("عمر", ("Omar", "Umar", "Omer")),
    ("خالد", ("Khalid", "Khaled")),
    ("رشيد", ("Rachid", "Rashid", "Rachide")),
    ("سعيد", ("Said", "Saïd", "Saeed")),
    ("إبراهيم", ("Brahim", "Ibrahim", "Ebrahim")),
    ("إسماعيل", ("Ismail", "Smail", "Ismaïl", "Ismael")),
    ("مصطفى", ("Mustapha", "Mostafa", "Mustafa", "Moustapha")),
    ("المهدي", ("El Mehdi", "Mehdi", "Elmahdi", "Al Mahdi")),
    ("هشام", ("Hicham", "Hisham", "Hichame")),
    ("كريم", ("Karim", "Karime", "Kareem")),
    ("نبيل", ("Nabil", "Nabile")),
    ("ياسين", ("Yassine", "Yacine", "Yassin", "Yasin")),
    ("أيوب", ("Ayoub", "Ayyoub", "Ayub")),
    ("حمزة", ("Hamza", "Hamzah")),
    ("إدريس", ("Driss", "Idriss", "Idris")),
    ("جمال", ("Jamal", "Djamal", "Jamel")),
    ("عثمان", ("Othmane", "Otmane", "Outhmane")),
    ("بوشعيب", ("Bouchaib", "Bouchaïb", "Bouchaib")),
    ("المصطفى", ("El Mostafa", "Elmostafa", "Al Mustapha")),
    ("العربي", ("Larbi", "El Arbi", "Elarbi")),
    ("امبارك", ("M'barek", "Mbarek", "Embarek")),
    ("مبارك", ("Moubarak", "Mubarak", "Mbarek")),
    ("طارق", ("Tarik", "Tariq", "Tarek")),
    ("أنس", ("Anas", "Anass")),
    ("زكرياء", ("Zakaria", "Zakariya", "Zakariae")),
    ("سفيان", ("Soufiane", "Sofiane", "Sufyan")),
    ("أمين", ("Amine", "Amin")),
    ("عادل", ("Adil", "Adel")),
    ("عزيز", ("Aziz", "Azziz")),
    ("صلاح الدين", ("Salaheddine", "Salah Eddine", "Salahdine")),
    ("نور الدين", ("Noureddine", "Nour Eddine", "Nourdine", "Nureddin")),
    ("عبد الحق", ("Abdelhak", "Abdelhaq", "Abdel Hak")),
    ("محسن", ("Mohcine", "Mohsine", "Mohsen")),
    ("الطيب", ("Taib", "Tayeb", "Ettaib", "El Tayeb")),
    ("فؤاد", ("Fouad", "Fuad", "Fouâd")),
    ("بلال", ("Bilal", "Belal")),
    ("سليمان", ("Slimane", "Soulaimane", "Souleimane", "Sulayman")),
    ("هارون", ("Haroun", "Harun")),
    ("ميلود", ("Miloud", "Milud")),
    ("الحبيب", ("Lahbib", "El Habib", "Habib")),
    ("عبد النبي", ("Abdennabi", "Abdenbi", "Abdel Nabi")),
    ("أيمن", ("Aymane", "Aymen", "Ayman")),
    ("وليد", ("Walid", "Oualid")),
    ("عبد الكريم", ("Abdelkrim", "Abdelkarim", "Abdel Karim")),
    ("عبد المجيد", ("Abdelmajid", "Abdelmajide", "Abdel Majid")),
    ("عبد الغني", ("Abdelghani", "Abdelrhani", "Abdel Ghani")),
    ("عبد الحميد", ("Abdelhamid", "Abdel Hamid")),
    ("عبد الواحد", ("Abdelouahed", "Abdelwahed", "Abdelouahad")),
    ("عبد الصمد", ("Abdessamad", "Abdessamade", "Abdel Samad")),
    ("عبد الرزاق", ("Abderrazak", "Abderrazzak", "Abderazak")),
    ("عبد العالي", ("Abdelali", "Abdelaali")),
    ("منير", ("Mounir", "Munir")),
    ("سمير", ("Samir", "Sameer")),
    ("توفيق", ("Taoufik", "Tawfiq", "Toufik")),
    ("مراد", ("Mourad", "Murad")),
    ("زهير", ("Zouhair", "Zuhair", "Zouheir")),
    ("عماد", ("Imad", "Emad")),
    ("رضوان", ("Redouane", "Radouane", "Ridwan")),
    ("عصام", ("Issam", "Essam")),
    ("جواد", ("Jawad", "Jaouad")),
    ("بوبكر", ("Boubker", "Boubakr", "Boubaker")),
    ("المختار", ("El Mokhtar", "Mokhtar", "Lmokhtar")),
    ("الجيلالي", ("Jilali", "El Jilali", "Jillali")),
    ("التهامي", ("Touhami", "Ettouhami")),
    ("المعطي", ("Maati", "El Maati", "Lmaati")),
    ("صالح", ("Salah", "Saleh")),
    ("منصور", ("Mansour", "Mansur")),
    ("حكيم", ("Hakim", "Hakime")),
    ("ياسر", ("Yasser", "Yassir")),
    ("بدر", ("Badr", "Bader")),
    ("كمال", ("Kamal", "Kamel")),
    ("الطاهر", ("Tahar", "Ettahar", "El Taher")),
    ("قاسم", ("Kacem", "Qassim", "Kassem")),
    ("شعيب", ("Chouaib", "Chouaïb", "Shuaib")),
    ("أنور", ("Anouar", "Anwar")),
    ("حمو", ("Hammou", "Hamou")),
    ("موحى", ("Moha", "Mouha")),
    ("إيدر", ("Idir", "Ider")),
    ("عبد الجليل", ("Abdeljalil", "Abdel Jalil")),
    ("عبد المالك", ("Abdelmalek", "Abdelmalik")),
    ("عبد الخالق", ("Abdelkhalek", "Abdelkhaleq")),
    ("عبد الوهاب", ("Abdelouahab", "Abdelwahab")),
    ("إلياس", ("Ilyas", "Ilias", "Elyas")),
    ("آدم", ("Adam", "Adame")),
    ("ريان", ("Rayan", "Rayane")),
    ("شكيب", ("Chakib", "Shakib")),
    ("فيصل", ("Faissal", "Faisal")),
    ("نوفل", ("Noufel", "Nawfal", "Naoufal")),
    ("أكرم", ("Akram", "Akrame")),
    ("غسان", ("Ghassane", "Ghassan")),
    ("الغالي", ("Ghali", "El Ghali")),
)

FEMALE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("فاطمة", ("Fatima", "Fatma", "Fatema")),
    ("فاطمة الزهراء", ("Fatima Zahra", "Fatimazahra", "Fatim-Zahra", "Fatima Ezzahra")),
    ("خديجة", ("Khadija", "Khadidja", "Khdija")),
    ("عائشة", ("Aicha", "Aïcha", "Aisha", "Aysha")),
    ("مريم", ("Meryem", "Maryam", "Meriem", "Mariam")),
    ("زينب", ("Zineb", "Zaynab", "Zeinab")),
    ("حسناء", ("Hasna", "Hasnaa", "Hassna")),
    ("حسنية", ("Hasnia", "Hassnia")),
    ("مرية", ("Mria", "Meriya")),
    ("نادية", ("Nadia", "Nadiya")),
    ("سعاد", ("Souad", "Suad", "Soad")),
    ("نعيمة", ("Naima", "Naïma", "Naeema")),
    ("ربيعة", ("Rabia", "Rabiaa", "Rabiâ")),
    ("لطيفة", ("Latifa", "Latefa")),
    ("سميرة", ("Samira", "Sameera")),
    ("كريمة", ("Karima", "Kerima")),
    ("حليمة", ("Halima", "Haleema")),
    ("مليكة", ("Malika", "Malica")),
    ("رشيدة", ("Rachida", "Rashida")),
    ("سلمى", ("Salma", "Selma")),
    ("إيمان", ("Imane", "Iman", "Imen")),
    ("هند", ("Hind", "Hend")),
    ("وفاء", ("Wafae", "Wafaa", "Oufae")),
    ("شيماء", ("Chaimae", "Chaima", "Shaimaa", "Chaymae")),
    ("أسماء", ("Asmae", "Asmaa", "Asma")),
    ("سكينة", ("Sakina", "Soukaina", "Sokaina")),
    ("سناء", ("Sanae", "Sanaa", "Sana")),
    ("هاجر", ("Hajar", "Hajjar")),
    ("غيثة", ("Ghita", "Rhita", "Ghitha")),
    ("ياسمين", ("Yasmine", "Yassmine", "Yasmina")),
    ("إلهام", ("Ilham", "Ilhame", "Elham")),
    ("نجاة", ("Najat", "Nejat")),
    ("فتيحة", ("Fatiha", "Fatyha")),
    ("زهرة", ("Zahra", "Zohra", "Zhor")),
    ("الزهرة", ("Ezzahra", "Ezzohra", "Zahra")),
    ("رقية", ("Rokia", "Rkia", "Roqaya", "Ruqayya")),
    ("يامنة", ("Yamna", "Yamina")),
    ("ميلودة", ("Milouda", "Miluda")),
    ("السعدية", ("Saadia", "Essaadia", "Saâdia")),
    ("حورية", ("Houria", "Hourya")),
    ("كوثر", ("Kaoutar", "Kawtar", "Kaouthar")),
    ("أمينة", ("Amina", "Aminah")),
    ("نورة", ("Noura", "Nora")),
    ("بشرى", ("Bouchra", "Bushra", "Bochra")),
    ("هدى", ("Houda", "Huda", "Hoda")),
    ("لبنى", ("Loubna", "Lubna")),
    ("مونية", ("Mounia", "Mouniya", "Monia")),
    ("سلوى", ("Salwa", "Saloua")),
    ("عزيزة", ("Aziza", "Azziza")),
    ("صفاء", ("Safae", "Safaa", "Safa")),
    ("دعاء", ("Douae", "Doaa", "Duaa")),
    ("حياة", ("Hayat", "Hayate")),
    ("سهام", ("Siham", "Sihame")),
    ("نجوى", ("Najoua", "Najwa")),
    ("فاطنة", ("Fatna", "Fatena")),
    ("خدوج", ("Khadouj", "Khaddouj")),
    ("يطو", ("Itto", "Yetto")),
    ("عتيقة", ("Atika", "Atiqa")),
    ("جميلة", ("Jamila", "Djamila")),
    ("نزهة", ("Nezha", "Nouzha")),
    ("نوال", ("Naoual", "Nawal")),
    ("غزلان", ("Ghizlane", "Ghizlan", "Rhizlane")),
    ("إكرام", ("Ikram", "Ikrame")),
    ("ابتسام", ("Ibtissam", "Ibtisam")),
    ("هبة", ("Hiba", "Heba")),
    ("رجاء", ("Rajae", "Rajaa", "Raja")),
    ("فدوى", ("Fadoua", "Fadwa")),
    ("ليلى", ("Leila", "Laila", "Layla")),
    ("أمال", ("Amal", "Amale")),
    ("حنان", ("Hanane", "Hanan")),
    ("ثورية", ("Touria", "Thouria")),
    ("زبيدة", ("Zoubida", "Zubida")),
    ("خولة", ("Khaoula", "Khawla")),
    ("نسرين", ("Nisrine", "Nesrine")),
    ("لمياء", ("Lamiae", "Lamia", "Lamyaa")),
    ("سارة", ("Sara", "Sarah")),
    ("رحمة", ("Rahma", "Rahmah")),
    ("حفيظة", ("Hafida", "Hafidah")),
    ("حفصة", ("Hafsa", "Hafssa")),
    ("كلثوم", ("Keltoum", "Kaltoum")),
    ("مباركة", ("Mbarka", "Mebarka")),
    ("فريدة", ("Farida", "Faridah")),
    ("بهيجة", ("Bahija",)),
    ("شامة", ("Chama", "Chamma")),
    ("طامو", ("Tamou", "Tammou")),
    ("بديعة", ("Badia", "Badiaa")),
)

LAST: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("العلوي", ("Alaoui", "El Alaoui", "Elalaoui", "Alawi")),
    ("الإدريسي", ("Idrissi", "El Idrissi", "Elidrissi", "Drissi")),
    ("بنعلي", ("Benali", "Ben Ali", "Ben-Ali")),
    ("التازي", ("Tazi", "Ettazi", "El Tazi")),
    ("الفاسي", ("Fassi", "El Fassi", "Al Fassi")),
    ("بناني", ("Bennani", "Benani", "Ben Nani")),
    ("الوزاني", ("Ouazzani", "Wazzani", "El Ouazzani")),
    ("برادة", ("Berrada", "Berada")),
    ("الشرقاوي", ("Cherkaoui", "Charkaoui", "Sharqawi", "Cherqaoui")),
    ("الغربي", ("Gharbi", "Rharbi", "El Gharbi")),
    ("المنصوري", ("Mansouri", "El Mansouri", "Mansuri")),
    ("الحسني", ("Hassani", "El Hassani", "Hasani")),
    ("الأمراني", ("Amrani", "El Amrani", "Elamrani")),
    ("بنجلون", ("Benjelloun", "Benjeloun", "Ben Jelloun")),
    ("الكتاني", ("Kettani", "Kattani", "El Kettani")),
    ("الصقلي", ("Sqalli", "Skalli", "Seqalli")),
    ("بوزيد", ("Bouzid", "Bouzide")),
    ("أيت علي", ("Ait Ali", "Aitali", "Ait-Ali")),
    ("أيت باها", ("Ait Baha", "Aitbaha")),
    ("أوحمو", ("Ouhammou", "Ouhamou", "Ouhammu")),
    ("أمزيان", ("Amziane", "Amzian", "Amaziane")),
    ("الزياني", ("Ziani", "Zayani", "Ezziani")),
    ("الرحماني", ("Rahmani", "Errahmani", "El Rahmani")),
    ("الناصري", ("Naciri", "Nasiri", "Ennaciri", "Nassiri")),
    ("الصديقي", ("Seddiki", "Sediki", "Essedik", "Siddiqi")),
    ("الطاهري", ("Tahiri", "Ettahiri", "Taheri")),
    ("الخياطي", ("Khayati", "El Khayati", "Khiati")),
    ("بوعزة", ("Bouazza", "Bouaza")),
    ("بلحاج", ("Belhaj", "Belhadj", "Bel Haj")),
    ("بنسعيد", ("Bensaid", "Ben Said", "Bensaïd")),
    ("الشاوي", ("Chaoui", "Echchaoui", "Shawi")),
    ("الدكالي", ("Doukkali", "Doukali", "Dukkali")),
    ("السوسي", ("Soussi", "Essoussi", "Sousi")),
    ("الريفي", ("Rifi", "Errifi", "Riffi")),
    ("الجبلي", ("Jebli", "Jabli", "El Jebli")),
    ("المرابط", ("Mrabet", "El Mrabet", "Mourabit")),
    ("الحداد", ("Haddad", "El Haddad", "Hadad")),
    ("النجار", ("Najjar", "Nejjar", "Ennajjar")),
    ("الخطيب", ("Khatib", "El Khatib", "Elkhatib")),
    ("العمراني", ("Omrani", "El Omrani", "Amrani")),
    ("بوطالب", ("Boutaleb", "Bou Taleb")),
    ("الحمداوي", ("Hamdaoui", "El Hamdaoui", "Hamdawi")),
    ("الزروالي", ("Zerouali", "Zeroual", "Zarwali")),
    ("القادري", ("Kadiri", "Qadiri", "El Kadiri")),
    ("المالكي", ("Malki", "El Malki", "Maliki")),
    ("الساهلي", ("Sahli", "Essahli")),
    ("الكبير", ("Kabir", "El Kabir", "Lakbir")),
    ("بن عبد الله", ("Benabdellah", "Ben Abdellah", "Benabdallah")),
    ("بن موسى", ("Benmoussa", "Ben Moussa", "Benmousa")),
    ("الهواري", ("Houari", "El Houari", "Hawari")),
    ("الطالبي", ("Talbi", "Ettalbi", "Taalbi")),
    ("العطار", ("Attar", "El Attar", "Lattar")),
    ("الموساوي", ("Moussaoui", "Moussawi", "El Moussaoui")),
    ("البقالي", ("Bakkali", "El Bakkali", "Baqali")),
    ("العثماني", ("Othmani", "El Othmani", "Otmani")),
    ("بوكيلي", ("Boukili", "Boukeli")),
    ("الإسماعيلي", ("Ismaili", "Smaili", "El Ismaili")),
    ("الراضي", ("Radi", "Errady", "Er-Radi")),
    ("الحياني", ("Hayani", "El Hayani")),
    ("أقصبي", ("Aksbi", "Akesbi", "Aqesbi")),
    ("بلخياط", ("Belkhayat", "Bel Khayat")),
    ("الفيلالي", ("Filali", "El Filali", "Elfilali")),
    ("السباعي", ("Sbai", "Sebbai", "Essbai")),
    ("الرباطي", ("Rbati", "Ribati", "Errbati")),
    ("الورديغي", ("Ouardighi", "Wardighi")),
    ("بوشيخي", ("Bouchikhi", "Boushikhi")),
    ("الغازي", ("Ghazi", "El Ghazi", "Rhazi")),
    ("المريني", ("Merini", "El Merini", "Marini")),
    ("العياشي", ("Ayachi", "El Ayachi", "Ayyachi")),
    ("الحمري", ("Hamri", "El Hamri")),
)

# More family names as civil registers hold them: old city families, places and tribes
# (nisba), trades, nicknames, Amazigh names. Less common than the above, still common.
LAST_MORE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("العلمي", ("Alami", "El Alami", "Elalami")),
    ("لحلو", ("Lahlou", "Lahlu")),
    ("الشرايبي", ("Chraibi", "Chraïbi", "Echchraibi")),
    ("القباج", ("Kabbaj", "Qabbaj")),
    ("السبتي", ("Sebti", "Essebti")),
    ("التطواني", ("Tetouani", "Tetwani")),
    ("المكناسي", ("Meknassi", "Maknassi", "El Meknassi")),
    ("المراكشي", ("Marrakchi", "El Marrakchi")),
    ("السلاوي", ("Slaoui", "Salaoui")),
    ("الزموري", ("Zemmouri", "Zammouri")),
    ("الدمناتي", ("Demnati", "Damnati")),
    ("الصفريوي", ("Sefrioui", "Sefriwi")),
    ("التادلاوي", ("Tadlaoui", "Tadlawi")),
    ("الوجدي", ("Oujdi", "El Oujdi")),
    ("الصحراوي", ("Sahraoui", "Sahrawi")),
    ("الزرهوني", ("Zerhouni", "Zarhouni")),
    ("الأزرق", ("Lazrak", "El Azrak")),
    ("الأخضر", ("Lakhdar", "El Akhdar")),
    ("الطويل", ("Touil", "Ettouil")),
    ("الجراري", ("Jirari", "Jerrari")),
    ("الصنهاجي", ("Sanhaji", "Senhaji")),
    ("الزناتي", ("Zenati", "Znati")),
    ("المصمودي", ("Masmoudi", "Masmudi")),
    ("الغماري", ("Ghomari", "Rhomari")),
    ("بنكيران", ("Benkirane", "Ben Kirane")),
    ("بنشقرون", ("Benchekroun", "Ben Chekroun")),
    ("بنسودة", ("Bensouda", "Ben Souda")),
    ("الخمليشي", ("Khamlichi", "El Khamlichi")),
    ("العروسي", ("Aroussi", "El Aroussi")),
    ("بوهلال", ("Bouhlal", "Bouhilal")),
    ("التويمي", ("Touimi", "Ettouimi")),
    ("الفهري", ("Fihri", "El Fihri", "Fehri")),
    ("القيطوني", ("Kaitouni", "Qaitouni")),
    ("المدغري", ("Mdaghri", "Medghri")),
    ("السرغيني", ("Sarghini", "Serghini")),
    ("الغزواني", ("Ghazouani", "Ghazwani")),
    ("الرحالي", ("Rahali", "Errahali")),
    ("المسعودي", ("Messaoudi", "Masoudi")),
    ("الشاذلي", ("Chadli", "Echadli")),
    ("الحوزي", ("Haouzi", "Hawzi")),
    ("البركاني", ("Berkani", "Barkani")),
    ("الناظوري", ("Nadori", "Naduri")),
    ("الصباغ", ("Sabbagh", "Essabbagh")),
    ("الدباغ", ("Debbagh", "Dabbagh")),
    ("الفخار", ("Fekhar", "Fakhkhar")),
    ("الخياط", ("Khayat", "Khayyat", "El Khayat")),
    ("الجزار", ("Jazzar", "Jazar")),
    ("أمزيل", ("Amzil", "Amzill")),
    ("أخياط", ("Akhiat", "Akhyat")),
    ("أمغار", ("Amghar", "Amghare")),
    ("أزناك", ("Aznag", "Aznague")),
    ("أملال", ("Amellal", "Amlal")),
    ("أوشن", ("Ouchen", "Ouchene")),
    ("أبركان", ("Aberkane", "Abarkane")),
    ("أفقير", ("Oufkir", "Afkir")),
    ("أهروش", ("Ahrouch", "Aharouch")),
    ("أوزين", ("Ouzine", "Ouzin")),
    ("أكنوش", ("Akannouch", "Aknouch")),
)

# Consonants of the generated family names: one letter per consonant class of the
# matching engine (translit.py), so that two generated names never differ only by letters
# the engine hears as one, with the Latin spellings Moroccan registers use for each.
_ROOT_LETTERS = (
    ("ب", ("b",)), ("ت", ("t",)), ("ج", ("j",)), ("ح", ("h",)), ("خ", ("kh",)),
    ("د", ("d",)), ("ر", ("r",)), ("ز", ("z",)), ("س", ("s",)), ("ش", ("ch",)),
    ("غ", ("gh",)), ("ف", ("f",)), ("ق", ("k", "q")), ("ل", ("l",)), ("م", ("m",)),
    ("ن", ("n",)),
)


# Consonant pairs whose Latin spellings run into a digraph of another letter.
_DIGRAPHS = frozenset({("س", "ش"), ("ت", "ش"), ("د", "ج"), ("ت", "ح"), ("د", "ح"),
                       ("ق", "ح"), ("س", "ح"), ("ج", "ح"), ("ش", "ح"), ("ب", "ح"),
                       ("غ", "ح")})


def _latin(parts: list[tuple[str, ...]], pick: int) -> str:
    """One Latin spelling of consonant parts (each a tuple of spellings) and vowels."""
    return "".join(p[pick % len(p)] if isinstance(p, tuple) else p for p in parts)


def _word(c1, c2, c3, template: int) -> tuple[str, tuple[str, ...]]:
    """A family name of three root consonants on one of the patterns Moroccan names take
    (Haddad, Hamdaoui, Tahiri, Mabrouk), in Arabic with its Latin spellings."""
    (a1, l1), (a2, l2), (a3, l3) = c1, c2, c3
    if template == 0:  # fa''al: Haddad, Najjar, Kabbaj
        arabic, parts = a1 + a2 + "ا" + a3, [l1, "a", tuple(x * 2 if len(x) == 1 else x
                                                           for x in l2), "a", l3]
        article = True
    elif template == 1:  # fa'laoui: Hamdaoui, Zerouali
        arabic, parts = a1 + a2 + a3 + "اوي", [l1, "a", l2, l3, ("aoui", "awi")]
        article = True
    elif template == 2:  # fa'ili: Tahiri, Naciri, Kadiri
        arabic, parts = a1 + "ا" + a2 + a3 + "ي", [l1, "a", l2, "i", l3, "i"]
        article = True
    else:  # maf'oul: Mabrouk, Mansour, Masrour
        arabic, parts = "م" + a1 + a2 + "و" + a3, ["Ma", l1, l2, "ou", l3]
        article = False
    spellings = []
    for pick in range(2):
        text = _latin(parts, pick)
        spellings.append(text[0].upper() + text[1:])
    latin = tuple(dict.fromkeys(spellings))
    if article:
        return "ال" + arabic, (*latin, "El " + latin[0])
    return arabic, latin


def _prefixed(prefix_ar: str, prefix_lat: tuple[str, ...], entry, *, joined: bool
              ) -> tuple[str, tuple[str, ...]]:
    """Ben Ahmed, Ait Ali, Ou Moussa, Bou Azza: a particle and a name or a word."""
    arabic, latins = entry
    base = latins[0]
    if base.startswith("El "):
        base = base[3:]
    glue = "" if joined else " "
    spellings = [f"{prefix_lat[0]}{glue}{base if not joined else base.lower()}"]
    spellings += [f"{p} {base}" for p in prefix_lat[1:]]
    if joined:
        spellings.append(f"{prefix_lat[0]} {base}")
    arabic = arabic.removeprefix("ال")
    # بن أحمد, أيت علي but بنعلي, أوموسى, بوعزة: Arabic writes the particle apart before a
    # hamza (the engine joins them either way).
    apart = not joined or arabic[0] in "أإآا"
    return prefix_ar + (" " if apart else "") + arabic, tuple(dict.fromkeys(spellings))


def _family_names() -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[float, ...]]:
    """Every family name the generator draws, most common first, and cumulative weights.

    Moroccan family names are very diverse: a few (Alaoui, Idrissi, Bennani) are common,
    and most people bear one of tens of thousands of rarer names built from a few
    hundred particles and roots: patronymics (Ben Ahmed, Ait Ali, Ou Moussa, Bou Azza),
    places and tribes (El Fassi, Soussi, Zemmouri), trades and nicknames (Haddad,
    Lazrak). The first names and roots here make such names; their share of the persons
    is set by tier so that a whole registry's commonest family names stay around 1 %.
    """
    import random

    male = [e for e in MALE if e[0][0] not in "أإاآع" and not e[0].startswith("ال")
            and " " not in e[0]]
    tiers: list[tuple[float, float, list]] = []
    tiers.append((0.17, 0.5, list(LAST)))
    tiers.append((0.08, 0.5, list(LAST_MORE)))
    patronymics = []
    for entry in MALE:
        if entry[0].startswith("ال"):
            continue
        patronymics.append(_prefixed("بن", ("Ben",), entry, joined=True))
        patronymics.append(_prefixed("أيت", ("Ait", "Aït"), entry, joined=False))
    for entry in male:
        patronymics.append(_prefixed("أو", ("Ou",), entry, joined=True))
        patronymics.append(_prefixed("بو", ("Bou",), entry, joined=True))
    tiers.append((0.20, 0.5, patronymics))
    rng = random.Random(1)
    words = []
    for i, (a, b, c) in enumerate((a, b, c) for a in _ROOT_LETTERS for b in _ROOT_LETTERS
                                  for c in _ROOT_LETTERS):
        # Left out: adjacent letters whose Latin spellings run into a digraph (s + ch is
        # "sch", d + j "dj", t + h "th"), a final ح (read as the silent h of "Fatimah")
        # and ل after the article (read as the article): they would not survive
        # transliteration.
        if a == b == c or c[0] == "ح" or a[0] == "ل" or (a[0], b[0]) in _DIGRAPHS \
                or (b[0], c[0]) in _DIGRAPHS:
            continue
        # One of the patterns without a prefix, and maf'oul, whose m keeps the two apart.
        words.append(_word(a, b, c, i % 3))
        words.append(_word(a, b, c, 3))
    rng.shuffle(words)
    rest = list(words)
    rest += [_prefixed("بن", ("Ben",), w, joined=True) for w in words]
    rest += [_prefixed("أيت", ("Ait",), w, joined=False) for w in words]
    rest += [_prefixed("بو", ("Bou",), w, joined=True) for w in words if w[0][0] != "م"]
    rest += [_prefixed("إد", ("Id",), w, joined=False) for w in words[::2]]
    rest += [_prefixed("أولاد", ("Ouled", "Oulad"), w, joined=False) for w in words[1::2]]
    rng.shuffle(rest)
    tiers.append((0.55, 0.3, rest))
    names: list[tuple[str, tuple[str, ...]]] = []
    weights: list[float] = []
    seen: set[str] = set()
    for share, exponent, entries in tiers:
        raw = [1.0 / (i + 1) ** exponent for i in range(len(entries))]
        total = sum(raw)
        for entry, w in zip(entries, raw, strict=True):
            if entry[0] in seen:
                continue
            seen.add(entry[0])
            names.append(entry)
            weights.append(share * w / total)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w
        cumulative.append(acc)
    return tuple(names), tuple(cumulative)


#: All family names of the generator, most common first, and their cumulative weights
#: (for ``random.choices(FAMILY, cum_weights=FAMILY_CUM_WEIGHTS)``).
FAMILY, FAMILY_CUM_WEIGHTS = _family_names()

# Look-alike first names that are distinct names (the traps), by Arabic spelling.
LOOKALIKE_MALE = (("محمد", "امحمد"), ("حسن", "حسين"), ("مبارك", "امبارك"))
LOOKALIKE_FEMALE = (("حسناء", "حسنية"), ("مريم", "مرية"))

STREETS = (
    ("زنقة", "Rue"), ("شارع", "Avenue"), ("درب", "Derb"), ("حي", "Hay"), ("دوار", "Douar"),
    ("زقاق", "Impasse"),
)
STREET_NAMES = (
    ("الحسن الثاني", "Hassan II"), ("محمد الخامس", "Mohammed V"), ("الزرقطوني", "Zerktouni"),
    ("النصر", "Annasr"), ("السلام", "Essalam"), ("الفتح", "Al Fath"), ("الأمل", "Al Amal"),
    ("الوحدة", "Al Wahda"), ("المسيرة", "Al Massira"), ("الأندلس", "Al Andalous"),
    ("الرياض", "Riad"), ("النخيل", "Nakhil"), ("المدينة القديمة", "Medina"),
    ("الزيتون", "Zitoune"), ("الكرامة", "Al Karama"), ("مولاي رشيد", "Moulay Rachid"),
)
