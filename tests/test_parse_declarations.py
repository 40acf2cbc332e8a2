"""The `declaration` layout: the Doha booklet (000), the Kyoto booklet (002) and the compendium chapter (003),
the Kyoto copy in the Congress report (004) through `parse_region`, and new declarations."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from crimecongress.cli import main
from crimecongress.corpus import manifestation_differences
from crimecongress.corpus.declaration import (detect_furniture, parse_catalogued, parse_new_declaration,
                                              parse_region)
from crimecongress.corpus.source import read_source
from crimecongress.errors import InputError
from crimecongress.ids import DEFAULT
from crimecongress.model import UnitKind

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
FIXTURES = ROOT / "tests" / "fixtures" / "declarations"
DOHA, KYOTO, COMPENDIUM, REPORT = ("000_db17beb4dd61dc1a.txt", "002_340393668e72e7f2.txt",
                                   "003_cdad1b6ede30b35f.txt", "004_7a05ab54536c615f.txt")
BASE = DEFAULT.base + "doc/"


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def parsed(catalogue):
    """file name -> ParsedSource, for the three files of layout `declaration`."""
    out = {}
    for name in (DOHA, KYOTO, COMPENDIUM):
        source = read_source(SOURCES / name)
        out[name] = parse_catalogued(source, catalogue.file(name), catalogue, DEFAULT)
    return out


@pytest.fixture(scope="module")
def documents(parsed):
    return {d.slug: d for p in parsed.values() for d in p.documents}


def unit(documents, slug: str, path: str):
    document = documents[slug]
    return document.unit(f"{document.iri}/{path}")


def is_preamble_item(u) -> bool:
    return u.kind is UnitKind.SUBPARAGRAPH and "/preamble/" in u.iri


# ------------------------------------------------------------------------------------------------ counts
# slug: preamble clauses, preamble items, numbered, lettered, roman, headings per level, footnotes, "*", formulae
COUNTS = {
    "doha-declaration-2015": (1, 0, 14, 60, 0, {}, 21, 0, 2),
    "kyoto-declaration-2021": (4, 0, 97, 0, 0, {1: 4, 2: 23}, 17, 0, 4),
    "statement-of-principles-1991": (13, 5, 44, 37, 0, {1: 2, 2: 7, 3: 9, 4: 3}, 9, 1, 2),
    "naples-declaration-1994": (7, 0, 45, 8, 0, {1: 2, 2: 7}, 0, 1, 2),
    "vienna-declaration-2000": (6, 0, 29, 4, 0, {}, 5, 1, 2),
    "vienna-plans-of-action-2002": (0, 0, 48, 154, 2, {1: 15, 2: 30}, 13, 1, 0),
    "bangkok-declaration-2005": (10, 0, 35, 0, 0, {}, 9, 1, 2),
}


@pytest.mark.parametrize("slug", COUNTS)
def test_unit_counts_per_document(documents, slug):
    units = documents[slug].units
    kinds = Counter(u.kind for u in units)
    levels = Counter(u.level for u in units if u.kind is UnitKind.HEADING)
    footnotes = [u for u in units if u.kind is UnitKind.FOOTNOTE]
    got = (kinds[UnitKind.PREAMBLE], sum(map(is_preamble_item, units)), kinds[UnitKind.PARAGRAPH],
           kinds[UnitKind.SUBPARAGRAPH] - sum(map(is_preamble_item, units)), kinds[UnitKind.ITEM],
           dict(levels), sum(u.number != "*" for u in footnotes), sum(u.number == "*" for u in footnotes),
           kinds[UnitKind.FORMULA])
    assert got == COUNTS[slug]


@pytest.mark.parametrize("files, expected", [
    ((DOHA,), 75),
    ((KYOTO,), 101),
    ((COMPENDIUM,), 447),
])
def test_paragraph_unit_totals(parsed, files, expected):
    paragraph_kinds = {UnitKind.PREAMBLE, UnitKind.PARAGRAPH, UnitKind.SUBPARAGRAPH, UnitKind.ITEM}
    total = sum(u.kind in paragraph_kinds for f in files for d in parsed[f].documents for u in d.units)
    assert total == expected


def test_compendium_holds_five_documents_in_catalogue_order(parsed):
    assert [d.slug for d in parsed[COMPENDIUM].documents] == [
        "statement-of-principles-1991", "naples-declaration-1994", "vienna-declaration-2000",
        "vienna-plans-of-action-2002", "bangkok-declaration-2005"]
    assert sum(u.kind is UnitKind.FOOTNOTE and u.number != "*"
               for d in parsed[COMPENDIUM].documents for u in d.units) == 36


# subparagraphs per paragraph, as listed in the notes (Doha §1.2, compendium §3)
SUBPARAGRAPHS = {
    "doha-declaration-2015": {"5": 20, "7": 4, "8": 14, "9": 7, "10": 13, "11": 2},
    "statement-of-principles-1991": {"16": 6, "17": 5, "21": 7, "26": 5, "29": 5, "30": 4, "31": 5},
    "naples-declaration-1994": {"9": 5, "31": 3},
    "vienna-declaration-2000": {"7": 4},
    "vienna-plans-of-action-2002": {
        "2": 5, "3": 3, "4": 8, "6": 4, "7": 6, "8": 6, "9": 8, "11": 9, "12": 3, "14": 7, "17": 5, "18": 2,
        "20": 8, "23": 5, "24": 5, "26": 8, "27": 8, "29": 2, "30": 6, "32": 4, "33": 3, "35": 5, "36": 3,
        "38": 6, "39": 2, "41": 3, "42": 6, "45": 3, "47": 8, "48": 3},
}


@pytest.mark.parametrize("slug", SUBPARAGRAPHS)
def test_subparagraphs_per_paragraph(documents, slug):
    document = documents[slug]
    counts = Counter(u.parent.rsplit("/", 1)[1] for u in document.units
                     if u.kind is UnitKind.SUBPARAGRAPH and "/para/" in u.parent)
    assert dict(counts) == SUBPARAGRAPHS[slug]


@pytest.mark.parametrize("slug", COUNTS)
def test_numbered_paragraphs_run_one_to_n_and_letters_have_no_gaps(documents, slug):
    units = documents[slug].units
    numbers = [int(u.number) for u in units if u.kind is UnitKind.PARAGRAPH]
    assert numbers == list(range(1, len(numbers) + 1))
    by_parent: dict[str, list[str]] = {}
    for u in units:
        if u.kind is UnitKind.SUBPARAGRAPH:
            by_parent.setdefault(u.parent, []).append(u.number)
    for letters in by_parent.values():
        assert letters == [chr(ord("a") + i) for i in range(len(letters))]


# ------------------------------------------------------------------------------------------------ exact text
# (slug, path below the document IRI, footnote marks referenced, exact clean text)
TEXTS = [
    # page break, continuation in lower case (000:89→91)
    ('doha-declaration-2015', 'para/3', (),
     'We recognize the importance of effective, fair, humane and accountable crime prevention and criminal justice systems and the institutions comprising them as a central component of the rule of law. We commit ourselves to holistic and comprehensive approaches to countering crime, violence, corruption and terrorism in all their forms and manifestations, and to ensuring that those responses are implemented in a coordinated and coherent way, along with broader programmes or measures for social and economic development, poverty eradication, respect for cultural diversity, social peace and social inclusion.'),
    # continuation starts with a capital and a glued marker (000:99→103)
    ('doha-declaration-2015', 'para/5/b', ('1',),
     'To ensure the right of everyone to a fair trial without undue delay by a competent, independent and impartial tribunal established by law, to equal access to justice with due process safeguards and, if needed, to access to an attorney and to an interpreter, and to ensure relevant rights under the Vienna Convention on Consular Relations; to exercise due diligence to prevent and counter acts of violence; and to take effective legislative, administrative and judicial measures to prevent, prosecute and punish all forms of torture and other cruel, inhuman or degrading treatment or punishment and eliminate impunity;'),
    # suspended hyphen kept; three markers
    ('doha-declaration-2015', 'para/5/e', ('4', '5', '6'),
     'To integrate child- and youth-related issues into our criminal justice reform efforts, recognizing the importance of protecting children from all forms of violence, exploitation and abuse, consistent with the obligations of parties under relevant international instruments, including the Convention on the Rights of the Child and its two Optional Protocols, and taking into consideration the relevant provisions of the United Nations Model Strategies and Practical Measures on the Elimination of Violence against Children in the Field of Crime Prevention and Criminal Justice, as well as to develop and apply comprehensive child-sensitive justice policies focused on the best interests of the child, consistent with the principle that the deprivation of liberty of children should be used only as a measure of last resort and for the shortest appropriate period of time, so as to protect children who are in contact with the criminal justice system, as well as children who are in any other situation requiring legal proceedings, particularly in relation to their treatment and social reintegration. We look forward to the results of the global study on children deprived of their liberty in this regard;'),
    # joined across a footnote block (000:111→127)
    ('doha-declaration-2015', 'para/5/f', ('7', '8', '9'),
     'To mainstream a gender perspective into our criminal justice systems by developing and implementing national strategies and plans to promote the full protection of women and girls from all acts of violence, including gender-related killing of women and girls, in accordance with the obligations of parties under the Convention on the Elimination of all Forms of Discrimination against Women and its Optional Protocol, and taking into account the updated Model Strategies and Practical Measures on the Elimination of Violence against Women in the Field of Crime Prevention and Criminal Justice and General Assembly resolutions on the gender-related killing of women and girls;'),
    # letter i after (h)
    ('doha-declaration-2015', 'para/5/i', (),
     'To enhance equality for all persons before the law, including gender equality, for individuals belonging to minority groups and for indigenous people, through, inter alia, a comprehensive approach with other sectors of government, relevant members of civil society and the media, and the promotion of the recruitment by criminal justice institutions of individuals belonging to these groups;'),
    # joined across footnotes 11–14 (000:161→173)
    ('doha-declaration-2015', 'para/5/r', (),
     'To intensify our national and international efforts to eliminate all forms of discrimination, including racism, religious intolerance, xenophobia and gender-related discrimination by, inter alia, raising awareness, developing educational materials and programmes, and considering, where appropriate, drafting and enforcing legislation against discrimination;'),
    # letter i, page break (000:209→211)
    ('doha-declaration-2015', 'para/8/i', (),
     'To take appropriate measures to prevent and counter trafficking in persons and the smuggling of migrants, while protecting the victims and those who have been the object of such crimes, through all necessary legal and administrative steps, in accordance with the respective protocols, as appropriate, and strengthening inter-agency cooperation and coordination at the national level, as well as closer bilateral, regional and multilateral cooperation;'),
    # curly quotes kept
    ('doha-declaration-2015', 'para/9/a', (),
     'To develop and implement comprehensive crime prevention and criminal justice responses, including strengthening of the capacities of our judiciary and law enforcement institutions, and to adopt, when necessary, legislative and administrative measures to effectively prevent and counter new, emerging and evolving forms of crime at the national, regional and international levels, taking into account the scope of application of the United Nations Convention against Transnational Organized Crime with regard to “serious crimes”, in accordance with national legislation;'),
    # page break after a comma (000:235→239)
    ('doha-declaration-2015', 'para/9/c', ('17', '18', '19'),
     'To strengthen and implement comprehensive crime prevention and criminal justice responses to illicit trafficking in cultural property, for the purpose of providing the widest possible international cooperation to address such crime, to review and strengthen domestic legislation to counter trafficking in cultural property, where appropriate, in accordance with our commitments under international instruments, including, as appropriate, the Convention on the Means of Prohibiting and Preventing the Illicit Import, Export and Transfer of Ownership of Cultural Property of 1970, and taking into consideration the International Guidelines for Crime Prevention and Criminal Justice Responses with Respect to Trafficking in Cultural Property and Other Related Offences, to continue to gather and share information and statistical data on trafficking in cultural property, in particular on trafficking that involves organized criminal groups and terrorist organizations, and to further consider the potential utility of and improvements to the model treaty for the prevention of crimes that infringe on the cultural heritage of peoples in the form of movable property, and international standards and norms in this field, in close cooperation with the United Nations Educational, Scientific and Cultural Organization, the International Criminal Police Organization and other competent international organizations, with a view to ensuring coordination of efforts in fulfilment of their respective mandates;'),
    # marker closes the unit
    ('doha-declaration-2015', 'para/9/g', ('21',),
     'To continue the analysis and exchange of information and practices relating to other evolving forms of transnational organized crime with varying impacts at the regional and global levels, with a view to more effectively preventing and countering crime and strengthening the rule of law. These may include, as appropriate, smuggling of petroleum and its derivatives, trafficking in precious metals and stones, illegal mining, counterfeiting of trademarked goods, trafficking in human organs, blood and tissue, and piracy and transnational organized crime committed at sea.'),
    # page break (000:291→293)
    ('doha-declaration-2015', 'para/11', (),
     'As we continue our efforts to achieve the objectives set forth in this Declaration, to enhance international cooperation, to uphold the rule of law and to ensure that our crime prevention and criminal justice systems are effective, fair, humane and accountable, we reaffirm the importance of adequate, long-term, sustainable and effective technical assistance and capacity-building policies and programmes. We therefore strive:'),
    # italics removed
    ('doha-declaration-2015', 'preamble/1', (),
     'Having assembled at the Thirteenth United Nations Congress on Crime Prevention and Criminal Justice in Doha, from 12 to 19 April 2015, to reaffirm our shared commitment to uphold the rule of law and to prevent and counter crime in all its forms and manifestations, at the domestic and international levels, to ensure that our criminal justice systems are effective, fair, humane and accountable, to provide access to justice for all, to build effective, accountable, impartial and inclusive institutions at all levels, and to uphold the principle of human dignity and the universal observance and respect of all human rights and fundamental freedoms,'),
    # opening formula in italics
    ('doha-declaration-2015', 'formula/1', (),
     'We, Heads of State and Government, Ministers and Representatives of Member States,'),
    # transition formula
    ('doha-declaration-2015', 'formula/2', (),
     'To that end, declare the following:'),
    # Ibid. kept as printed
    ('doha-declaration-2015', 'footnote/15', (),
     'Ibid., vol. 2326, No. 39574.'),
    # italics out, hyphen in dates kept
    ('doha-declaration-2015', 'footnote/16', (),
     'Report of the United Nations Conference on the Illicit Trade in Small Arms and Light Weapons in All Its Aspects, New York, 9-20 July 2001 (A/CONF.192/15), chap. IV, para. 24.'),
    # marker after a comma
    ('kyoto-declaration-2021', 'preamble/3', ('1',),
     'Recalling the Doha Declaration on Integrating Crime Prevention and Criminal Justice into the Wider United Nations Agenda to Address Social and Economic Challenges and to Promote the Rule of Law at the National and International Levels, and Public Participation, adopted by the Thirteenth United Nations Congress on Crime Prevention and Criminal Justice, in which we reaffirmed the need to integrate crime prevention and criminal justice issues into the wider agenda of the United Nations in order to enhance system-wide coordination,'),
    # italic modi operandi
    ('kyoto-declaration-2021', 'para/13', (),
     'We express grave concern about the situation arising from the coronavirus disease (COVID-19) and its social and economic implications, which have created new opportunities for and transformed the modi operandi of criminals and organized criminal groups in different forms and to different extents, as well as posed challenges to criminal justice in multiple aspects;'),
    # joined across footnote 12 (002:214→218)
    ('kyoto-declaration-2021', 'para/49', ('12',),
     'Take measures to ensure access to timely, effective, adequately resourced and affordable legal aid for those without sufficient means or when the interests of justice so require, and raise awareness of the availability of such aid, including by promoting the practical application of relevant provisions of the United Nations Principles and Guidelines on Access to Legal Aid in Criminal Justice Systems, United Nations Office on Drugs and Crime tools on ensuring the quality of legal aid services in criminal justice processes and other related tools, by encouraging the development of guidance tools, as well as the collection and sharing of data on access to legal aid, and by developing a specialized network of legal aid providers to exchange information and best practices and to assist each other in carrying out their work;'),
    # marker glued to a word
    ('kyoto-declaration-2021', 'para/51', ('13',),
     'Ensure the integrity and impartiality of law enforcement and other institutions comprising the criminal justice system, as well as the independence of the judiciary, and ensure the fair, effective, accountable, transparent and appropriate administration and delivery of justice, while taking into consideration the documents noted by relevant General Assembly and Economic and Social Council resolutions;'),
    # page break after a comma, across footnote 13 (002:236→240)
    ('kyoto-declaration-2021', 'para/55', (),
     'Ensure the use of appropriate measures to effectively disrupt the existing links between organized criminal groups and corruption, including by preventing and combating bribery and the laundering of proceeds of crime into the legitimate economy, and thus develop strategies to prevent and combat illicit financial flows;'),
    # page break without footnote (002:270→272)
    ('kyoto-declaration-2021', 'para/67', (),
     'Recognize the fundamental role of effective international cooperation in preventing and combating crime and to this end, underline the importance of addressing, tackling and effectively responding to international challenges and barriers, in particular measures, that hinder such cooperation, and which are not consistent with the Charter of the United Nations and obligations under international law, and in this regard urge States, consistent with their international obligations, to refrain from applying such measures;'),
    # curly quotes kept
    ('kyoto-declaration-2021', 'para/77', (),
     'Improve the security and resilience of critical infrastructure and the protection of particularly vulnerable “soft targets”, including through increased information-sharing among law enforcement, the private sector and the public;'),
    # page break (002:302→304)
    ('kyoto-declaration-2021', 'para/79', (),
     'Strengthen measures to address new, emerging and evolving forms of crime, including by making maximum use of the relevant and applicable conventions, such as the Organized Crime Convention and the Protocols thereto through the measures contained therein, to prevent and combat crimes, facilitate international cooperation and confiscate and return the proceeds of crime;'),
    # joined across footnotes 15–17 (002:326→334)
    ('kyoto-declaration-2021', 'para/89', ('16', '17'),
     'Strengthen national and international responses to trafficking in cultural property and other crimes targeting cultural property, and any links to the financing of organized crime and terrorism, and enhance international cooperation in this regard, including through appropriate channels, the return or restitution of such illicitly trafficked cultural properties to countries of origin, taking into consideration existing instruments such as the Organized Crime Convention, the Convention on the Means of Prohibiting and Preventing the Illicit Import, Export and Transfer of Ownership of Cultural Property, the International Guidelines for Crime Prevention and Criminal Justice Responses with Respect to Trafficking in Cultural Property and Other Related Offences, and other relevant instruments, and with a view to considering all possible options to make effective use of the applicable international legal framework to combat crimes against cultural property, and considering any proposals to supplement the existing framework for international cooperation, as necessary;'),
    # transition before the actions
    ('kyoto-declaration-2021', 'formula/3', (),
     'We therefore endeavour to take the following actions:'),
    # transition before the follow-up
    ('kyoto-declaration-2021', 'formula/4', (),
     'In order to ensure appropriate follow-up to this present declaration and to our commitments:'),
    # link artefact removed
    ('kyoto-declaration-2021', 'footnote/1', (),
     'General Assembly resolution 70/174, annex.'),
    # en dash kept
    ('kyoto-declaration-2021', 'footnote/9', (),
     'Report of the Fourth World Conference on Women, Beijing, 4–15 September 1995 (United Nations publication, Sales No. E.96.IV.13), chap. I, resolution 1, annexes I and II.'),
    # page break (003:73→75); typo "Congress for the" kept
    ('statement-of-principles-1991', 'para/10', ('3', '4', '5', '6', '7'),
     'We acknowledge the contribution of the United Nations crime prevention and criminal justice programme to the international community. We note that it is a long-recognized fact that inadequate resources have been devoted to the implementation of the programme, which has in the past been inhibited from achieving its potential. We also note that a strengthening of the resources devoted to the implementation of the programme was called for by the Sixth United Nations Congress for the Prevention of Crime and the Treatment of Offenders, the Seventh United Nations Congress for the Prevention of Crime and the Treatment of Offenders and the Eighth United Nations Congress for the Prevention of Crime and the Treatment of Offenders. We further note that the Committee on Crime Prevention and Control, at its eleventh session, gave priority attention to the conclusions and recommendations of a subcommittee established to provide an overview of the problem of crime and to assess the most efficient means of stimulating practical international action in support of Member States, in pursuance of General Assembly resolution 44/72 of 8 December 1989. The Committee, in its resolution 11/3 of 16 February 1990, unanimously approved a report of the subcommittee on the need for the creation of an effective international crime and justice programme. That report, which was endorsed by the Eighth Congress, was used as an important tool for the establishment of the United Nations crime prevention and criminal justice programme, in line with the provisions of General Assembly resolution 45/108.'),
    # continuation starts with a capital (003:230→232)
    ('statement-of-principles-1991', 'para/32', (),
     'It is recommended to the Secretary-General that, in recognition of the high priority that should be accorded to the programme, an upgrading of the Crime Prevention and Criminal Justice Branch of the Centre for Social Development and Humanitarian Affairs of the Secretariat into a division should be effected as soon as possible, under the conditions set out in paragraph 14 above, bearing in mind the structure of the United Nations Office at Vienna.'),
    # continuation starts with a capital (003:270→272)
    ('statement-of-principles-1991', 'para/44', (),
     'The programme shall be funded from the regular budget of the United Nations. Funds allocated for technical assistance may be supplemented by direct voluntary contributions from Member States and interested funding agencies. Member States are encouraged to make contributions to the United Nations Trust Fund for Social Defence, to be renamed the United Nations Crime Prevention and Criminal Justice Fund. They are also encouraged to contribute in kind for the operational activities of the programme, particularly by seconding staff, organizing training courses and seminars, and providing the requisite equipment and services.'),
    # dash bullet
    ('statement-of-principles-1991', 'para/16/a', (),
     'The prevention of crime within and among States;'),
    # preamble clause with a chapeau
    ('statement-of-principles-1991', 'preamble/13', (),
     'Determined to translate our political will into concrete action:'),
    # lettered preamble item
    ('statement-of-principles-1991', 'preamble/13/e', (),
     'By establishing an adequate resource base for a truly effective United Nations crime prevention and criminal justice programme;'),
    # numbered chapter heading in italics
    ('statement-of-principles-1991', 'heading/14', (),
     'Organizational structure of the secretariat and of the programme'),
    # source typo "Offenders Havana" kept
    ('statement-of-principles-1991', 'footnote/5', (),
     'See Eighth United Nations Congress on the Prevention of Crime and the Treatment of Offenders Havana, 27 August-7 September 1990: report prepared by the Secretariat (United Nations publication, Sales No. E.91.IV.2).'),
    # preamble clause broken across the source note (003:288→292)
    ('naples-declaration-1994', 'preamble/6', (),
     'Reaffirming the responsibility vested in the United Nations in crime prevention and criminal justice and recognizing the need to strengthen its role in the development of a comprehensive programme of action to prevent and control organized transnational crime,'),
    # dash bullet
    ('naples-declaration-1994', 'para/9/e', (),
     'Measures and strategies to prevent and combat money-laundering and to control the use of the proceeds of crime.'),
    # page break (003:326→328)
    ('naples-declaration-1994', 'para/10', (),
     'We attach particular importance and the highest priority to the implementation of the present Political Declaration and Global Action Plan against Organized Transnational Crime and, to this effect, we shall strive to improve financial and other assistance for programmes in developing countries and countries in transition and to mobilize funds from overall official development assistance and other official sources for programmes addressed to the fight against organized crime; and we call upon the Commission on Crime Prevention and Criminal Justice to keep under regular review the activities outlined herein.'),
    # em dashes kept (003:404→406)
    ('naples-declaration-1994', 'para/38', (),
     'States should consider adopting legislative measures for the confiscation or seizure of illicit proceeds, asset forfeiture, as required, and the availability of provisional arrangements, such as the freezing or seizing of assets, always with due respect for the interests of bona fide third parties. Subject to the basic principles of their legal systems, States should also consider the possibility of sharing forfeited assets and—under specific conditions and always through judicial or other legal proceedings—of confiscating or seizing illicit proceeds without a criminal conviction, or confiscating or seizing sums that are higher than those relating to the crime for which judgement has been passed.'),
    # transition formula ending with a full stop
    ('naples-declaration-1994', 'formula/2', (),
     'Proclaim our political will and strong determination, as well as our unequivocal commitment to ensure full and expeditious implementation of the present Political Declaration and Global Action Plan against Organized Transnational Crime.'),
    # page break after a comma across footnote 1 (003:454→458)
    ('vienna-declaration-2000', 'para/6', (),
     'We support efforts to assist States in capacity-building, including in obtaining training and technical assistance and in developing legislation, regulations and expertise, with a view to facilitating the implementation of the Convention and the protocols thereto.'),
    # joined across two footnotes (003:486→492)
    ('vienna-declaration-2000', 'para/16', ('2', '3'),
     'We further commit ourselves to taking enhanced international action against corruption, building on the United Nations Declaration against Corruption and Bribery in International Commercial Transactions, the International Code of Conduct for Public Officials, relevant regional conventions and regional and global forums. We stress the urgent need to develop an effective international legal instrument against corruption, independent of the United Nations Convention against Transnational Organized Crime, and we invite the Commission on Crime Prevention and Criminal Justice to request the Secretary-General to submit to it at its tenth session, in consultation with States, a thorough review and analysis of all relevant international instruments and recommendations as part of the preparatory work for the development of such an instrument. We shall consider supporting the global programme against corruption developed by the United Nations Centre for International Crime Prevention and the United Nations Interregional Crime and Justice Research Institute, which is subject to close consultation with States and review by the Commission on Crime Prevention and Criminal Justice.'),
    # joined across three footnote lines (003:534→542)
    ('vienna-plans-of-action-2002', 'para/2', (),
     'States that have not signed the Convention and the protocols thereto should do so as soon as possible, and States that have signed those legal instruments should make every effort to ratify them as soon as possible. Each State will set priorities for the effective implementation of the Convention and the protocols thereto and will proceed as appropriate and as expeditiously as possible until all provisions of all of those legal instruments are in full force and operation. Individually and collectively, States will endeavour, as appropriate, to support the following actions:'),
    # letter i after (h)
    ('vienna-plans-of-action-2002', 'para/11/i', (),
     'Providing increased resources to support the development and implementation of national and regional strategies against trafficking in persons.'),
    # chapeau of a roman list
    ('vienna-plans-of-action-2002', 'para/35/d', (),
     'Engaging in domestic and international discussions on actions against high-technology and computer-related crime and the effects of technological change with industries involved in the development and deployment of computers, telecommunication equipment, network software and hardware and other relevant products and services. These discussions could include key areas such as:'),
    # roman i
    ('vienna-plans-of-action-2002', 'para/35/d/i', (),
     'Issues relating to domestic and international regulation of the technologies and networks;'),
    # roman ii
    ('vienna-plans-of-action-2002', 'para/35/d/ii', (),
     'Issues relating to the incorporation of elements into new technologies, which are intended to prevent crime or facilitate the detection, investigation or prosecution of crime;'),
    # back to letters after the roman list
    ('vienna-plans-of-action-2002', 'para/35/e', (),
     'Making voluntary contributions, both bilaterally and through international and regional organizations, as appropriate, including in cooperation with the private sector, inter alia, in the form of technical expertise to assist other States in developing and implementing effective measures against high-technology and computer-related crime, including the measures referred to in subparagraphs (c) and (d) above.'),
    # italic title followed by a marker
    ('vienna-plans-of-action-2002', 'para/44', ('13',),
     'Individually and collectively, States will endeavour, as appropriate, to use and apply in national law and practice the United Nations standards and norms in crime prevention and criminal justice and to publish the Compendium of United Nations Standards and Norms in Crime Prevention and Criminal Justice in the languages of their countries.'),
    # two-digit marker
    ('vienna-plans-of-action-2002', 'para/39/b', ('10',),
     'Ensure effective cooperation among the relevant United Nations entities and the other organizations mentioned in the Guidelines for Action on Children in the Criminal Justice System.'),
    # source note
    ('vienna-plans-of-action-2002', 'footnote/star', (),
     'General Assembly resolution 56/261, annex.'),
    # page break (003:1109→1111)
    ('bangkok-declaration-2005', 'para/10', ('4',),
     'We recognize that comprehensive and effective crime prevention strategies can significantly reduce crime and victimization. We urge that such strategies address the root causes and risk factors of crime and victimization and that they be further developed and implemented at the local, national and international levels, taking into account, inter alia, the Guidelines for the Prevention of Crime.'),
    # three markers in one sentence
    ('bangkok-declaration-2005', 'para/12', ('5', '6', '7'),
     'With regard to the increased involvement of organized criminal groups in the theft of and trafficking in cultural property and illicit trafficking in protected species of wild flora and fauna, we recognize the importance of combating these forms of crime and, bearing in mind the relevant international legal instruments, such as the Convention on the Means of Prohibiting and Preventing the Illicit Import, Export and Transfer of Ownership of Cultural Property, the Convention on International Trade in Endangered Species of Wild Fauna and Flora and the Convention on Biological Diversity, we call upon Member States to take effective measures to strengthen international cooperation.'),
    # footnote 9 printed inside paragraph 26
    ('bangkok-declaration-2005', 'para/22', ('9',),
     'We express the hope that the ongoing negotiation of the draft comprehensive convention on international terrorism will be concluded as soon as possible. In this context, we recognize that arriving at a possible definition of terrorism is one of the key issues to be resolved. We call upon Member States to consider signing and ratifying the International Convention for the Suppression of Acts of Nuclear Terrorism.'),
    # joined across footnote 9 (003:1153→1157)
    ('bangkok-declaration-2005', 'para/26', (),
     'We are conscious of the challenge of investigating and prosecuting complex cases involving economic and financial crimes, including money-laundering. We call upon Member States to strengthen policies, measures and institutions for national action and international cooperation in the prevention, investigation and prosecution of economic and financial crimes, including money-laundering, and such crimes conducted by means of, or facilitated by, information technologies, in particular in connection with the financing of terrorism and trafficking in illicit drugs.'),
    # page break (003:1169→1171)
    ('bangkok-declaration-2005', 'para/32', (),
     'To promote the interests of victims and the rehabilitation of offenders, we recognize the importance of further developing restorative justice policies, procedures and programmes that include alternatives to prosecution, thereby avoiding possible adverse effects of imprisonment, helping to decrease the caseload of criminal courts and promoting the incorporation of restorative justice approaches into criminal justice systems, as appropriate.'),
]


@pytest.mark.parametrize("slug, path, marks, text", TEXTS, ids=[f"{c[0].split('-')[0]}:{c[1]}" for c in TEXTS])
def test_exact_clean_text(documents, slug, path, marks, text):
    u = unit(documents, slug, path)
    assert u.text == text
    assert u.footnotes == tuple(f"{BASE}{slug}/footnote/{'star' if m == '*' else m}" for m in marks)


def test_page_break_spans_list_only_the_lines_that_gave_text(documents):
    spans = {
        ("doha-declaration-2015", "para/5/f"): (111, 127, (111, 127)),
        ("doha-declaration-2015", "para/5/b"): (99, 103, (99, 103)),
        ("kyoto-declaration-2021", "para/89"): (326, 334, (326, 334)),
        ("vienna-plans-of-action-2002", "para/2"): (534, 542, (534, 542)),
        ("bangkok-declaration-2005", "para/26"): (1153, 1157, (1153, 1157)),
        ("statement-of-principles-1991", "para/16/a"): (105, 105, (105,)),
    }
    for (slug, path), (first, last, lines) in spans.items():
        source = unit(documents, slug, path).source
        assert (source.first, source.last, source.lines) == (first, last, lines)


# ------------------------------------------------------------------------------------------------ footnotes
def test_a_footnote_marker_can_be_used_twice(documents):
    fn3 = f"{BASE}bangkok-declaration-2005/footnote/3"
    users = [u.number for u in documents["bangkok-declaration-2005"].units if fn3 in u.footnotes]
    assert users == ["4", "23"]


def test_footnote_text_printed_away_from_its_marker(documents):
    note = unit(documents, "bangkok-declaration-2005", "footnote/9")
    assert note.text == "General Assembly resolution 59/290, annex."
    assert note.source.lines == (1155,)
    assert unit(documents, "bangkok-declaration-2005", "para/22").footnotes == (note.iri,)
    assert unit(documents, "bangkok-declaration-2005", "para/26").footnotes == ()


def test_footnote_numbers_are_scoped_to_their_document(documents):
    vienna = unit(documents, "vienna-declaration-2000", "footnote/1")
    plans = unit(documents, "vienna-plans-of-action-2002", "footnote/1")
    assert vienna.source.lines == (456,) and plans.source.lines == (538,)
    assert plans.text == "Resolution 55/59, annex."


@pytest.mark.parametrize("slug", COUNTS)
def test_footnotes_come_last_in_numeric_order_and_hang_from_the_document(documents, slug):
    document = documents[slug]
    notes = [u for u in document.units if u.kind is UnitKind.FOOTNOTE]
    assert document.units[-len(notes):] == tuple(notes) if notes else True
    marks = [u.number for u in notes]
    assert marks == sorted(marks, key=lambda m: (m != "*", int(m) if m.isdigit() else 0))
    assert all(u.parent == document.iri and u.heading is None for u in notes)


@pytest.mark.parametrize("slug", COUNTS)
def test_every_footnote_reference_resolves_within_the_document(documents, slug):
    document = documents[slug]
    iris = {u.iri for u in document.units if u.kind is UnitKind.FOOTNOTE}
    referenced = {iri for u in document.units for iri in u.footnotes}
    assert referenced <= iris
    assert iris - referenced <= {f"{document.iri}/footnote/star"}   # the source note marks the title


def test_two_digit_markers_are_one_number(documents):
    assert unit(documents, "vienna-plans-of-action-2002", "para/39/b").footnotes == (
        f"{BASE}vienna-plans-of-action-2002/footnote/10",)
    assert unit(documents, "kyoto-declaration-2021", "para/43").footnotes == (
        f"{BASE}kyoto-declaration-2021/footnote/9", f"{BASE}kyoto-declaration-2021/footnote/10")


# ------------------------------------------------------------------------------------------------ structure
def test_letter_i_and_roman_i(documents):
    letter = unit(documents, "vienna-plans-of-action-2002", "para/11/i")
    roman = unit(documents, "vienna-plans-of-action-2002", "para/35/d/i")
    assert (letter.kind, letter.parent) == (UnitKind.SUBPARAGRAPH, f"{BASE}vienna-plans-of-action-2002/para/11")
    assert (roman.kind, roman.number, roman.parent) == (
        UnitKind.ITEM, "i", f"{BASE}vienna-plans-of-action-2002/para/35/d")
    assert unit(documents, "vienna-plans-of-action-2002", "para/35/d/ii").kind is UnitKind.ITEM
    assert unit(documents, "vienna-plans-of-action-2002", "para/35/e").parent.endswith("/para/35")
    for path in ("para/5/i", "para/8/i", "para/10/i"):
        assert unit(documents, "doha-declaration-2015", path).kind is UnitKind.SUBPARAGRAPH


def test_preamble_clause_with_lettered_items(documents):
    clause = unit(documents, "statement-of-principles-1991", "preamble/13")
    items = [u for u in documents["statement-of-principles-1991"].units if u.parent == clause.iri]
    assert [u.number for u in items] == ["a", "b", "c", "d", "e"]
    assert all(u.kind is UnitKind.SUBPARAGRAPH and u.iri == f"{clause.iri}/{u.number}" for u in items)
    assert unit(documents, "statement-of-principles-1991", "formula/2").text.startswith("Proclaim our strong")


@pytest.mark.parametrize("line, number, text, level", [
    (53, "I", "STATEMENT OF PRINCIPLES", 1),
    (93, "II", "PROGRAMME OF ACTION", 1),
    (112, "C", "Scope of the United Nations crime prevention and criminal justice programme", 2),
    (154, "1", "Commission on crime prevention and criminal justice", 3),
    (158, None, "Membership", 4),
    (164, None, "Sessions", 4),
    (168, None, "Functions", 4),
    (182, "2", "Committee on Crime Prevention and Control", 3),
    (190, "3", "United Nations congresses on the prevention of crime and the treatment of offenders", 3),
    (216, "4", "Organizational structure of the secretariat and of the programme", 3),
    (240, "1", "United Nations institutes for the prevention of crime and the treatment of offenders", 3),
    (244, "2", "Coordination among the United Nations institutes for the prevention of crime and the treatment "
               "of offenders", 3),
    (252, "3", "Network of government-appointed national correspondents in the field of crime prevention and "
               "criminal justice", 3),
    (258, "4", "Global Crime and Criminal Justice Information Network", 3),
    (264, "5", "Intergovernmental and non-governmental organizations", 3),
    (268, "G", "Funding of the programme", 2),
])
def test_statement_of_principles_headings(documents, line, number, text, level):
    """Numbered chapter headings share the "1." form with paragraphs but are headings."""
    [heading] = [u for u in documents["statement-of-principles-1991"].units if u.source.first == line]
    assert (heading.kind, heading.number, heading.text, heading.level) == (UnitKind.HEADING, number, text, level)


def test_headings_nest_and_units_stand_under_the_innermost(documents):
    units = {u.source.first: u for u in documents["statement-of-principles-1991"].units}
    assert units[158].heading == units[154].iri          # Membership under chapter 1
    assert units[154].heading == units[152].iri          # chapter 1 under section E
    assert units[152].heading == units[93].iri           # section E under part II
    assert units[93].heading is None
    assert units[160].heading == units[158].iri          # paragraph 24 under Membership
    assert units[184].heading == units[182].iri          # paragraph 27 under chapter 2
    assert unit(documents, "statement-of-principles-1991", "para/16/a").heading == units[99].iri


KYOTO_LEVEL_ONE = {104: "Advancing crime prevention", 146: "Advancing the criminal justice system",
                   206: "Promoting the rule of law",
                   252: "Promoting international cooperation and technical assistance to prevent and address "
                        "all forms of crime"}


def test_kyoto_headings_and_levels(documents):
    headings = [u for u in documents["kyoto-declaration-2021"].units if u.kind is UnitKind.HEADING]
    assert {u.source.first: u.text for u in headings if u.level == 1} == KYOTO_LEVEL_ONE
    assert [u.source.first for u in headings if u.level == 2] == [
        106, 110, 120, 126, 130, 138, 142, 148, 158, 164, 184, 190, 202, 208, 212, 220, 224, 230, 248,
        254, 274, 286, 300]
    assert all(u.number is None for u in headings)
    by_line = {u.source.first: u for u in headings}
    assert by_line[120].heading == by_line[104].iri and by_line[254].heading == by_line[252].iri


@pytest.mark.parametrize("paragraph, heading_line", [
    ("20", None), ("21", 106), ("23", 110), ("24", 120), ("30", 142), ("31", 148), ("47", 202), ("48", 208),
    ("59", 248), ("60", 254), ("95", 300), ("96", None), ("97", None)])
def test_kyoto_paragraph_stands_under_its_heading(documents, paragraph, heading_line):
    """The follow-up formula (348) closes the thematic headings: paragraphs 96–97 stand under none."""
    document = documents["kyoto-declaration-2021"]
    by_line = {u.source.first: u.iri for u in document.units if u.kind is UnitKind.HEADING}
    assert unit(documents, "kyoto-declaration-2021", f"para/{paragraph}").heading == by_line.get(heading_line)


@pytest.mark.parametrize("slug, formulae", [
    ("doha-declaration-2015", [81, 85]),
    ("kyoto-declaration-2021", [55, 65, 102, 348]),
    ("statement-of-principles-1991", [7, 51]),
    ("naples-declaration-1994", [276, 296]),
    ("vienna-declaration-2000", [426, 442]),
    ("bangkok-declaration-2005", [1059, 1083]),
])
def test_opening_and_transition_formulae(documents, slug, formulae):
    units = [u for u in documents[slug].units if u.kind is UnitKind.FORMULA]
    assert [u.source.first for u in units] == formulae
    assert [u.iri for u in units] == [f"{BASE}{slug}/formula/{n}" for n in range(1, len(units) + 1)]


@pytest.mark.parametrize("slug", COUNTS)
def test_positions_and_parents(documents, slug):
    document = documents[slug]
    assert [u.position for u in document.units] == list(range(1, len(document.units) + 1))
    iris = {u.iri: u for u in document.units}
    assert len(iris) == len(document.units)
    for u in document.units:
        if u.kind is UnitKind.SUBPARAGRAPH:
            assert iris[u.parent].kind in (UnitKind.PARAGRAPH, UnitKind.PREAMBLE)
        elif u.kind is UnitKind.ITEM:
            assert iris[u.parent].kind is UnitKind.SUBPARAGRAPH
        else:
            assert u.parent == document.iri
        assert u.heading is None or iris[u.heading].kind is UnitKind.HEADING
        assert (u.level is not None) == (u.kind is UnitKind.HEADING)
        assert u.iri.startswith(document.iri + "/") and "/" in u.parent


# ------------------------------------------------------------------------------------------------ accounting
@pytest.mark.parametrize("name", [DOHA, KYOTO, COMPENDIUM])
def test_every_non_blank_line_is_accounted_for_exactly_once(parsed, name):
    source = read_source(SOURCES / name)
    result = parsed[name]
    seen = Counter(n for d in result.documents for u in d.units for n in u.source.lines)
    seen.update(s.line for s in result.skipped)
    non_blank = {n for n, text in source.numbered() if text.strip()}
    assert set(seen) == non_blank
    assert [n for n, count in seen.items() if count > 1] == []


@pytest.mark.parametrize("name, line, reason", [
    (DOHA, 5, "cover"), (DOHA, 51, "foreword (not part of the declaration)"), (DOHA, 79, "document title"),
    (DOHA, 113, "footnote separator"), (DOHA, 305, "stray page artefact '2000'"), (DOHA, 311, "back cover"),
    (KYOTO, 25, "stray page artefact '2021'"), (KYOTO, 53, "document title"), (KYOTO, 360, "back cover"),
    (COMPENDIUM, 3, "compendium chapter heading"), (COMPENDIUM, 525, "document title"),
])
def test_skipped_lines_say_why(parsed, name, line, reason):
    [skipped] = [s for s in parsed[name].skipped if s.line == line]
    assert skipped.reason == reason


def test_a_line_outside_every_region_and_skip_range_is_an_error(catalogue):
    entry = catalogue.file(DOHA)
    no_stray = replace(entry, skip=tuple(s for s in entry.skip if s.first != 305))
    with pytest.raises(InputError) as caught:
        parse_catalogued(read_source(SOURCES / DOHA), no_stray, catalogue, DEFAULT)
    assert caught.value.line == 305


# ------------------------------------------------------------------------------------------------ Kyoto in 004
@pytest.fixture(scope="module")
def kyoto_in_report():
    source = read_source(SOURCES / REPORT)
    return parse_region(source, slug="kyoto-declaration-2021", kind="declaration", title="Kyoto Declaration",
                        first=70, last=369, extra_footnote_lines=(381,), minter=DEFAULT,
                        manifestation="Report of the Fourteenth Congress, chapter I, resolution 1")


def test_kyoto_copy_in_the_report_is_identical_unit_by_unit(documents, kyoto_in_report):
    booklet = documents["kyoto-declaration-2021"]
    report, skipped = kyoto_in_report
    assert manifestation_differences(booklet, report) == []
    fields = ("iri", "kind", "number", "text", "parent", "position", "footnotes", "heading", "level")
    assert [tuple(getattr(u, f) for f in fields) for u in report.units] == \
        [tuple(getattr(u, f) for f in fields) for u in booklet.units]
    assert [s.line for s in skipped] == [70]


@pytest.mark.parametrize("path, lines", [
    ("para/15", (105, 107)), ("para/24", (135, 141)), ("para/42", (195, 203)), ("para/57", (257, 263)),
    ("para/73", (305, 307)), ("para/82", (327, 329)), ("para/89", (343, 351)), ("footnote/17", (381,)),
    ("para/4", (94,)), ("para/87", (339,)),
])
def test_kyoto_in_the_report_reads_its_own_page_breaks(kyoto_in_report, path, lines):
    report, _ = kyoto_in_report
    assert report.unit(f"{report.iri}/{path}").source.lines == lines


def test_kyoto_in_the_report_drops_italics(kyoto_in_report, documents):
    report, _ = kyoto_in_report
    text = report.unit(f"{report.iri}/para/87").text
    assert "*" not in text and text.count("inter alia") == 3
    assert text == unit(documents, "kyoto-declaration-2021", "para/87").text


# ------------------------------------------------------------------------------------------------ new text
def test_new_markdown_declaration_with_page_furniture():
    result = parse_new_declaration(read_source(FIXTURES / "new_declaration.md"), minter=DEFAULT, title=None,
                                   slug=None)
    [document] = result.documents
    slug = "lisbon-declaration-on-justice-for-future-generations"
    assert (document.slug, document.title, document.kind) == (
        slug, "Lisbon Declaration on Justice for Future Generations", "declaration")
    kinds = Counter(u.kind.value for u in document.units)
    assert kinds == {"formula": 2, "preamble": 2, "heading": 2, "paragraph": 4, "subparagraph": 3, "item": 2,
                     "footnote": 3}
    c = document.unit(f"{BASE}{slug}/para/2/c")
    assert c.text == "To cooperate with civil society and the private sector, as appropriate, in all these efforts;"
    assert c.source.lines == (26, 32)
    assert document.unit(f"{BASE}{slug}/para/2/b").text == "To consider, inter alia, the following measures:"
    assert document.unit(f"{BASE}{slug}/para/2/b/ii").parent == f"{BASE}{slug}/para/2/b"
    assert document.unit(f"{BASE}{slug}/preamble/2").text == (
        "Recalling the Kyoto Declaration, and resolved to build upon its “holistic” approach,")
    assert document.unit(f"{BASE}{slug}/para/3").footnotes == (f"{BASE}{slug}/footnote/3",)
    assert document.unit(f"{BASE}{slug}/footnote/3").text == "See A/RES/70/1, para. 16."
    headings = [u for u in document.units if u.kind is UnitKind.HEADING]
    assert [(u.number, u.text, u.level) for u in headings] == [("I", "Commitments", 1), ("II", "Follow-up", 1)]
    assert document.unit(f"{BASE}{slug}/para/4").heading == headings[1].iri
    assert {(s.line, s.reason) for s in result.skipped} == {
        (1, "page furniture"), (3, "document title"), (28, "page furniture"), (30, "page furniture"),
        (44, "page furniture"), (46, "page furniture"), (48, "footnote separator")}


def test_new_hard_wrapped_declaration_is_unwrapped():
    result = parse_new_declaration(read_source(FIXTURES / "wrapped_declaration.txt"), minter=DEFAULT,
                                   title=None, slug="nairobi-2030")
    [document] = result.documents
    assert document.title == "Nairobi Declaration on Crime Prevention and Sustainable Development"
    units = {u.iri.removeprefix(f"{BASE}nairobi-2030/"): u for u in document.units}
    assert units["preamble/1"].text == ("Recognizing the central role of crime prevention in the achievement of "
                                        "sustainable development and the 2030 Agenda for Sustainable Development,")
    assert units["preamble/1"].footnotes == (f"{BASE}nairobi-2030/footnote/1",)
    assert units["para/1"].text == ("We commit ourselves to preventing crime through inclusive and "
                                    "evidence-based policies that address its root causes. We also commit "
                                    "ourselves to the protection of victims and witnesses.")
    assert units["para/2"].source.lines == (18, 19, 21, 22)
    assert units["footnote/1"].text == ("General Assembly resolution 70/1, the Agenda adopted on 25 September "
                                        "2015 by the General Assembly.")
    assert [u.kind.value for u in document.units] == [
        "formula", "preamble", "preamble", "formula", "paragraph", "paragraph", "paragraph", "footnote"]
    assert {s.reason for s in result.skipped} == {"page furniture", "document title"}


def test_title_and_slug_options_win():
    result = parse_new_declaration(read_source(FIXTURES / "new_declaration.md"), minter=DEFAULT,
                                   title="Draft Lisbon Declaration", slug=None)
    assert (result.documents[0].title, result.documents[0].slug) == (
        "Draft Lisbon Declaration", "draft-lisbon-declaration")


@pytest.mark.parametrize("name, lines", [
    (DOHA, {305}), (KYOTO, {25}), (COMPENDIUM, set()), (REPORT, set()),
])
def test_furniture_detection_finds_only_stray_page_numbers_in_the_sources(name, lines):
    """Repeated headings ("A. National actions") and table rows are not running headers."""
    assert detect_furniture(read_source(SOURCES / name)) == lines


def test_a_heading_over_the_footnotes_is_skipped(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Oslo Declaration\n\n1. We affirm the Convention.<sup>1</sup>\n\n## Notes\n\n"
                    "<sup>1</sup> United Nations, *Treaty Series*, vol. 2225.\n", encoding="utf-8")
    result = parse_new_declaration(read_source(path), minter=DEFAULT, title=None, slug=None)
    assert [u.kind.value for u in result.documents[0].units] == ["paragraph", "footnote"]
    assert [(s.line, s.reason) for s in result.skipped] == [(1, "document title"), (5, "footnotes heading")]


# ------------------------------------------------------------------------------------------------ CLI
def test_cli_table_for_the_compendium():
    result = CliRunner().invoke(main, ["parse", str(SOURCES / COMPENDIUM), "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{COMPENDIUM}  sha256 4dfdcfc3b0ec") and "5 document(s), 8 skipped lines" in lines[0]
    assert "vienna-plans-of-action-2002" in lines[4] and "263 units" in lines[4]
    assert "(14 footnote, 45 heading, 2 item, 48 paragraph, 154 subparagraph)" in lines[4]


def test_cli_parses_a_new_markdown_declaration():
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "new_declaration.md")])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 18
