"""The demo data of ``manage.py seed_demo`` (D9): five localities from the seed text.

``localities`` holds the fixed facts (departments, units, programs, posts), ``people`` makes
believable cadres (Chinese names, valid 身份证号, résumés) from a seeded random generator,
``hangzhou2006`` plans the 杭州 2006 batch so it reproduces R25 exactly, and ``builder``
writes it all through the real services, idempotently.
"""
