#!/usr/bin/env python3
"""Writes the seed corpora corpus-loader/ and corpus-impute/ (run once; the files are kept).

A fuzz input is one option byte (see Tests/EMImputeIOTests/FuzzHarness.swift) then the CSV."""
import os

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))

COMMA, SEMI, TAB, ODD = 0, 1, 2, 3
NOHEADER = 4
NA_99, NA_ONLY_99, NA_ODD = 8, 16, 24
RIDGE = 128
def odd(k): return ODD | (k << 5)   # k: 0 ' ', 1 '.', 2 '|', 3 '-', 4 'e', 5 '0', 6 ':', 7 '#'

def head(name, lines=30):
    with open(os.path.join(root, "Datasets", name), "rb") as f:
        return b"".join(f.readlines()[:lines])

fixture = open(os.path.join(root, "Tests/EMImputeIOTests/Fixtures/complete-quoted-crlf-bom.csv"), "rb").read()

common = {
    "airquality-30": (COMMA, head("airquality.csv")),
    "penguins-30": (COMMA, head("penguins.csv")),
    "survey-30-na99": (NA_99, head("survey.csv")),
    "complete-quoted-crlf-bom": (COMMA, fixture),
    "quoted": (COMMA, b'name,x,y\n"Smith, J",1,2\n"He said ""hi""",2,NA\n"multi\nline",NA,4\n" NA ",3,5\n'),
    "crlf": (COMMA, b"a,b\r\n1,\r\n3,4\r\n\r\n5,6\r\n"),
    "cr-only": (COMMA, b"a,b\r1,2\r3,NA\r4,5\r"),
    "bom-semicolon": (SEMI, b"\xef\xbb\xbfa;b;c\n1;2;\n;5;6\n7;8;9\n2;1;3\n"),
    "tab": (TAB, b"a\tb\tc\n1\t \tx\n2\t3\ty\n\"4\t\"\t5\tz\n3\t1\tq\n"),
    "na-codes": (COMMA, b"x,y\n0,\n1,NA\n2,N/A\n3,NaN\n4,nan\n5,.\n6,?\n7,null\n8,NULL\n9,  NA  \n10,\" NA \"\n11,2\n12,5\n"),
    "na-99-only": (NA_ONLY_99, b"x,y\n1,-99\n2,3\n3,-99.5\n4,NA\n"),
    "na-odd": (NA_ODD, b'x,y\n1,0\n2,"a,b"\n3,"q""q"\n4,7\n5,8\n6,2\n'),
    "ragged": (COMMA, b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n"),
    "no-header": (NOHEADER, b"1,2\n,4\n5,\n7,9\n"),
    "space-delimited": (odd(0), b'a b c\n1 2 3\n4  NA 6\n"7" 8 NA\n2 1 5\n'),
    "dot-delimited": (odd(1), b"a.b\n1.NA\n2.3\n4.5\n"),
    "dash-delimited": (odd(3), b"a-b\n1-\n2-3\n4-5\n"),
    "e-delimited": (odd(4), b"aeb\n1e\n2e3\n4e5\n"),
    "empty": (COMMA, b""),
    "header-only": (COMMA, b"a,b,c\n"),
    "blank-lines": (COMMA, b"\n\n\na,b\n\n1,2\n\n\n3,NA\n\n4,1\n"),
    "unterminated": (COMMA, b'a,b\n1,"2\n3,4\n'),
    "malformed": (COMMA, b'a,b\n1,2"x"\n3,4\n'),
    "numbers": (COMMA, b"a,b\n1e308,-0\n1e309,+5\n.5,5.\n0x10,inf\n1e-400,00012\n-1.7976931348623157e308,4\n"),
    "duplicate-names": (COMMA, b"a,a\n1,2\n"),
    "empty-names": (COMMA, b",,\n1,2,3\n4,NA,6\n7,8,1\n"),
    "mixed-column": (COMMA, b"a,b\n1,2\n3,x\n4,5\n"),
    "text-column": (COMMA, b"a,b\nx,2\ny,NA\nz,5\n1,6\n"),
    "long-field": (COMMA, b"a,b\n" + b"1" * 400 + b",2\n3,4\n"),
    "trailing-delimiter": (COMMA, b"a,b,\n1,2,\n3,NA,\n4,5,\n"),
    "no-final-newline": (COMMA, b"a,b\n1,2\n3,NA\n4,5"),
    "spaces-around-quotes": (COMMA, b'a,b\n 1 , "2" \n "3" ,  \n4,5\n'),
}

impute_only = {
    "fit-small": (COMMA, b"x,y,z\n1,2,3\n2,NA,5\n3,7,NA\nNA,4,1\n4,5,2\n5,3,4\n6,8,7\n"),
    "fit-ridge-wide": (COMMA | RIDGE, b"a,b,c,d\n1,2,NA,4\n2,1,3,NA\n"),
    "fit-collinear": (COMMA, b"x,y\n1,2\n2,4\n3,6\nNA,8\n4,NA\n"),
    "fit-empty-row": (COMMA, b"x,y\n1,2\n,\n3,5\n4,4\n2,1\n"),
    "fit-huge": (COMMA, b"x,y\n1e300,2\n-1e300,NA\n5e299,3\nNA,1\n1e-300,4\n"),
    "fit-na-zero": (NA_ODD, b"x,y\n-1,1\n1,2\n0,3\n-1,4\n1,5\n"),
    "fit-no-header-tab": (TAB | NOHEADER, b"1\t2\t\n3\t\t4\n5\t6\t7\n2\t2\t9\n8\t1\t3\n"),
}

for folder, seeds in (("corpus-loader", common), ("corpus-impute", {**common, **impute_only})):
    os.makedirs(os.path.join(here, folder), exist_ok=True)
    for name, (opt, csv) in seeds.items():
        with open(os.path.join(here, folder, name), "wb") as f:
            f.write(bytes([opt]) + csv)
