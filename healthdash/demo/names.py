"""Given names and family names for the demo community's people (varied on purpose)."""

FIRST_NAMES = [
    "Amara", "Bjorn", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ingrid", "Javier",
    "Keiko", "Lars", "Mei", "Nikhil", "Olga", "Pavel", "Qiang", "Rosa", "Sanjay", "Tamar", "Ugo",
    "Valentina", "Wei", "Ximena", "Yusuf", "Zofia", "Aidan", "Beatriz", "Chen", "Deepa", "Emeka",
    "Fatima", "Gabriel", "Hana", "Ivan", "Jun", "Kwame", "Lucia", "Mateo", "Nadia", "Oren", "Priya",
    "Rafael", "Sakura", "Tomasz", "Uma", "Viktor", "Wanjiru", "Yara", "Zhang", "Anders", "Bilal",
    "Camille", "Diego", "Eun-ji", "Florian", "Gustavo", "Helena", "Isaac", "Jana", "Karim", "Leila",
    "Marek", "Noor", "Oscar", "Paula", "Ravi", "Sofia", "Takeshi", "Ulrike", "Vera", "Sean",
]
LAST_NAMES = [
    "Okafor", "Lindqvist", "Rossi", "Volkov", "Yilmaz", "Haddad", "Schmidt", "Tanaka", "Berg",
    "Moreno", "Sato", "Nielsen", "Lin", "Sharma", "Ivanova", "Novak", "Zhou", "Garcia", "Patel",
    "Cohen", "Bianchi", "Costa", "Wang", "Herrera", "Demir", "Kowalska", "Murphy", "Almeida",
    "Liu", "Iyer", "Eze", "Rahman", "Dubois", "Kim", "Petrov", "Nakamura", "Mensah", "Ferrari",
    "Ortiz", "Hassan", "Levi", "Reddy", "Santos", "Yamamoto", "Wojcik", "Kapoor", "Horvath",
    "Kariuki", "Aziz", "Fischer", "Jansen", "Malik", "Laurent", "Ramos", "Park", "Keller",
    "Mendes", "Vogel", "Abbott", "Novotna", "Benali", "Kowalczyk", "Meyer", "Rao", "Silva",
    "Takahashi", "Weber", "Popescu", "Quinn", "Byrne",
]
