"""Korean Debian package descriptions as a CSV like ../shared/datasets/ddtp-*.csv (id,title,text,label).

Source: Debian's Description Translation Project index for bookworm (Translation-ko) joined with the
archive's Packages index for the section; one package per source package; long descriptions of at
least 40 whitespace-separated words. Licence: the packages' own description terms (free software).
Usage: python bench/data/ddtp_ko.py OUT.csv   (downloads two files from deb.debian.org)
"""
import bz2, csv, lzma, sys, urllib.request

BASE = 'http://deb.debian.org/debian/dists/bookworm/main/'


def stanzas(text):
    for block in text.split('\n\n'):
        fields, key = {}, None
        for line in block.split('\n'):
            if line.startswith(' ') and key:
                fields[key] += '\n' + line
            elif ':' in line:
                key, _, value = line.partition(':')
                fields[key] = value.strip()
        if fields:
            yield fields


def long_text(value):
    lines = value.split('\n')[1:]
    return ' '.join('' if l.strip() == '.' else l.strip() for l in lines).strip()


packages = lzma.decompress(urllib.request.urlopen(BASE + 'binary-amd64/Packages.xz').read()).decode()
info = {}
for s in stanzas(packages):
    if 'Package' in s:
        info[s['Package']] = (s.get('Section', 'misc').split('/')[-1], s.get('Source', s['Package']).split(' ')[0])
ko = bz2.decompress(urllib.request.urlopen(BASE + 'i18n/Translation-ko.bz2').read()).decode()
seen, rows = set(), []
for s in stanzas(ko):
    pkg, desc = s.get('Package'), s.get('Description-ko')
    if not pkg or not desc or pkg not in info:
        continue
    section, source = info[pkg]
    title, text = desc.split('\n')[0].strip(), long_text(desc)
    if source in seen or len(text.split()) < 40:
        continue
    seen.add(source)
    rows.append((pkg, title, text, section))
with open(sys.argv[1], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['id', 'title', 'text', 'label'])
    w.writerows(sorted(rows))
print(len(rows), 'packages,', len({r[3] for r in rows}), 'sections')
