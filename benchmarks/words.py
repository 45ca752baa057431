"""Word lists the generator combines into names, companies and addresses.

Four countries (Italy, France, Germany, Spain), in this order wherever a list is per
country. Accents are kept on purpose: search must find "Müller" when typed "muller".
"""

COUNTRIES = ["IT", "FR", "DE", "ES"]

FIRST_NAMES = [
    # Italian
    "Giuseppe", "Giovanni", "Antonio", "Mario", "Luca", "Francesco", "Alessandro", "Andrea",
    "Marco", "Stefano", "Niccolò", "Nicolò", "Maria", "Anna", "Giulia", "Francesca", "Chiara",
    "Sara", "Laura", "Valentina", "Elena", "Federica", "Ilaria", "Lucia", "Paola",
    # French
    "Jean", "Pierre", "Michel", "André", "Jérôme", "François", "Benoît", "Hervé", "Stéphane",
    "Frédéric", "Gaël", "Loïc", "Marie", "Hélène", "Élodie", "Céline", "Anaïs", "Chloé",
    "Léa", "Noémie", "Zoé", "Béatrice", "Mélanie", "Geneviève", "Agnès",
    # German
    "Jürgen", "Günter", "Jörg", "Björn", "Sören", "Uwe", "Klaus", "Stefan", "Matthias",
    "Andreas", "Thomas", "Wolfgang", "Jürgen", "Käthe", "Jördis", "Sybille", "Ursula",
    "Brigitte", "Sabine", "Monika", "Heike", "Anke", "Birgit", "Gisela", "Dörte",
    # Spanish
    "José", "Jesús", "Ángel", "Andrés", "Tomás", "Rubén", "Iñaki", "Álvaro", "Víctor",
    "Adrián", "Sebastián", "Joaquín", "María", "Lucía", "Sofía", "Inés", "Begoña", "Ainhoa",
    "Nuria", "Mónica", "Verónica", "Raquel", "Pilar", "Rocío", "Almudena",
]  # fmt: skip

LAST_NAMES = [
    # Italian
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
    "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
    "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi",
    "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli",
    "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
    "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso",
    "Valentini", "Cantù", "Baù", "Parè", "Mazzà",
    # French
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèbvre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez", "Légaré", "Bérubé",
    "Pelletier", "Côté", "Gagné", "Bélanger", "Lévesque", "Béliveau", "Désiré", "Rivière",
    # German
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
    "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann",
    "Köhler", "Günther", "Böhm", "Jäger", "Groß", "Weiß", "Fuß", "Möller", "Völler",
    # Spanish
    "González", "Rodríguez", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
    "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
    "Gil", "Ramírez", "Serrano", "Blanco", "Molina", "Morales", "Suárez", "Ortega",
    "Delgado", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias", "Peña",
    "Ibáñez", "Castaño", "Bermúdez", "Cañizares",
]  # fmt: skip

ROLES = [
    "Chief Executive Officer", "Chief Financial Officer", "Sales Manager", "Account Manager",
    "Purchasing Manager", "Project Manager", "Software Engineer", "Consultant", "Lawyer",
    "Accountant", "Architect", "Office Manager", "Marketing Director", "HR Manager",
    "Amministratore delegato", "Direttore commerciale", "Responsabile acquisti",
    "Commercialista", "Avvocato", "Ingegnere", "Directeur général", "Responsable achats",
    "Chargé d'affaires", "Expert-comptable", "Geschäftsführer", "Vertriebsleiter",
    "Einkaufsleiter", "Steuerberater", "Director comercial", "Jefe de compras",
    "Gerente", "Asesor fiscal",
]  # fmt: skip

# Per country: ten cities with a postal code and a region, eight street names.
CITIES = [
    # Italy
    ("Milano", "20121", "MI"), ("Roma", "00184", "RM"), ("Torino", "10121", "TO"),
    ("Napoli", "80133", "NA"), ("Bologna", "40121", "BO"), ("Firenze", "50122", "FI"),
    ("Cantù", "22063", "CO"), ("Forlì", "47121", "FC"), ("Genova", "16121", "GE"),
    ("Bari", "70121", "BA"),
    # France
    ("Paris", "75008", "Île-de-France"), ("Lyon", "69002", "Auvergne-Rhône-Alpes"),
    ("Marseille", "13001", "Provence-Alpes-Côte d'Azur"), ("Toulouse", "31000", "Occitanie"),
    ("Nice", "06000", "Provence-Alpes-Côte d'Azur"), ("Nantes", "44000", "Pays de la Loire"),
    ("Besançon", "25000", "Bourgogne-Franche-Comté"), ("Orléans", "45000", "Centre-Val de Loire"),
    ("Bordeaux", "33000", "Nouvelle-Aquitaine"), ("Lille", "59000", "Hauts-de-France"),
    # Germany
    ("Berlin", "10115", "Berlin"), ("München", "80331", "Bayern"), ("Köln", "50667", "NRW"),
    ("Düsseldorf", "40213", "NRW"), ("Hamburg", "20095", "Hamburg"),
    ("Frankfurt am Main", "60311", "Hessen"), ("Nürnberg", "90402", "Bayern"),
    ("Lübeck", "23552", "Schleswig-Holstein"), ("Würzburg", "97070", "Bayern"),
    ("Stuttgart", "70173", "Baden-Württemberg"),
    # Spain
    ("Madrid", "28013", "Madrid"), ("Barcelona", "08002", "Cataluña"),
    ("Valencia", "46002", "Comunidad Valenciana"), ("Sevilla", "41004", "Andalucía"),
    ("Málaga", "29005", "Andalucía"), ("Córdoba", "14003", "Andalucía"),
    ("A Coruña", "15001", "Galicia"), ("León", "24003", "Castilla y León"),
    ("Cádiz", "11005", "Andalucía"), ("Bilbao", "48005", "País Vasco"),
]  # fmt: skip

STREETS = [
    "Via Roma", "Corso Italia", "Via Garibaldi", "Piazza del Duomo", "Via Cavour",
    "Viale dei Mille", "Via Nizza", "Corso Vittorio Emanuele II",
    "Rue de la République", "Avenue des Champs-Élysées", "Rue Victor Hugo", "Boulevard Haussmann",
    "Rue de la Paix", "Place Bellecour", "Rue Saint-Honoré", "Quai des Brumes",
    "Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße", "Königsallee",
    "Lindenstraße", "Mühlenweg", "Marktplatz",
    "Calle Mayor", "Gran Vía", "Paseo de la Castellana", "Calle de Alcalá", "Avenida de España",
    "Plaza Mayor", "Calle Real", "Rambla de Catalunya",
]  # fmt: skip

# Per country: what a company does, and its legal form.
COMPANY_WORDS = [
    ["Costruzioni", "Impianti", "Logistica", "Meccanica", "Alimentari", "Consulting",
     "Trasporti", "Elettronica", "Tessile", "Informatica"],
    ["Bâtiment", "Transports", "Électricité", "Conseil", "Boulangerie", "Ingénierie",
     "Logistique", "Menuiserie", "Informatique", "Énergie"],
    ["Maschinenbau", "Bäckerei", "Elektrotechnik", "Logistik", "Bauunternehmen", "Beratung",
     "Gerätebau", "Software", "Brauerei", "Möbelwerk"],
    ["Construcciones", "Transportes", "Ingeniería", "Consultoría", "Alimentación",
     "Electrónica", "Logística", "Informática", "Energía", "Panadería"],
]  # fmt: skip
LEGAL_FORMS = [
    ["S.r.l.", "S.p.A.", "S.n.c."],
    ["SARL", "SAS", "SA"],
    ["GmbH", "AG", "KG"],
    ["S.L.", "S.A.", "S.Coop."],
]

NOTES = [
    "Met at the trade fair in Milano.",
    "Prefers to be called in the morning.",
    "Long-standing customer; renewal due in spring.",
    "Introduced by a partner; follow up after the summer.",
    "Asked for a quote on the maintenance contract.",
]

# Example domains only: generated addresses must never reach a real mailbox.
EMAIL_DOMAINS = ["example.com", "example.it", "example.fr", "example.de", "example.es"]
