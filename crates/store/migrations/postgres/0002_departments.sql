-- The starting list of departments and their aliases. The agency governs it from here on with
-- `cadre import departments`.

INSERT INTO departments (name) VALUES
    ('Law Enforcement'),
    ('Frontline Law Enforcement'),
    ('Police'),
    ('Customs'),
    ('Immigration'),
    ('Border Security'),
    ('Coast Guard'),
    ('Defence Force'),
    ('Prosecution'),
    ('Judiciary'),
    ('Attorney General'),
    ('Financial Intelligence Units'),
    ('Tax Administration'),
    ('Corrections'),
    ('Intelligence Analysis'),
    ('Social Services'),
    ('ICT Units (Law Enforcement)'),
    ('Cybersecurity (Law Enforcement)'),
    ('Fire Service'),
    ('National Security'),
    ('Foreign Affairs'),
    ('Health'),
    ('Ports and Airports'),
    ('Disaster Management');

-- Each department's own name, in its lookup form (lower case, single spaces).
INSERT INTO department_aliases (alias_key, alias, department_id)
SELECT lower(name), name, id FROM departments;

INSERT INTO department_aliases (alias_key, alias, department_id)
-- VALUES columns are column1, column2, ... in SQLite and PostgreSQL alike.
SELECT v.column1, v.column2, d.id
FROM (VALUES
    ('law enforcement officers', 'Law Enforcement Officers', 'Law Enforcement'),
    ('frontline officers', 'Frontline Officers', 'Frontline Law Enforcement'),
    ('police service', 'Police Service', 'Police'),
    ('police force', 'Police Force', 'Police'),
    ('royal police force', 'Royal Police Force', 'Police'),
    ('customs and excise', 'Customs and Excise', 'Customs'),
    ('customs and excise department', 'Customs and Excise Department', 'Customs'),
    ('immigration department', 'Immigration Department', 'Immigration'),
    ('border security officers', 'Border Security Officers', 'Border Security'),
    ('military', 'Military', 'Defence Force'),
    ('army', 'Army', 'Defence Force'),
    ('defense force', 'Defense Force', 'Defence Force'),
    ('prosecutors', 'Prosecutors', 'Prosecution'),
    ('dpp', 'DPP', 'Prosecution'),
    ('office of the director of public prosecutions', 'Office of the Director of Public Prosecutions', 'Prosecution'),
    ('office of director of prosecutions', 'Office of Director of Prosecutions', 'Prosecution'),
    ('judges', 'Judges', 'Judiciary'),
    ('magistrates', 'Magistrates', 'Judiciary'),
    ('attorney general officers', 'Attorney General Officers', 'Attorney General'),
    ('office of the attorney general', 'Office of the Attorney General', 'Attorney General'),
    ('attorney general s chambers', 'Attorney General''s Chambers', 'Attorney General'),
    ('fiu', 'FIU', 'Financial Intelligence Units'),
    ('financial intelligence unit', 'Financial Intelligence Unit', 'Financial Intelligence Units'),
    ('tax offices', 'Tax Offices', 'Tax Administration'),
    ('inland revenue', 'Inland Revenue', 'Tax Administration'),
    ('prison service', 'Prison Service', 'Corrections'),
    ('prisons', 'Prisons', 'Corrections'),
    ('correctional officers', 'Correctional Officers', 'Corrections'),
    ('analysts', 'Analysts', 'Intelligence Analysis'),
    ('social welfare', 'Social Welfare', 'Social Services'),
    ('ict professionals', 'ICT Professionals', 'ICT Units (Law Enforcement)'),
    ('cybersecurity experts', 'Cybersecurity Experts', 'Cybersecurity (Law Enforcement)'),
    ('ministry of national security', 'Ministry of National Security', 'National Security'),
    ('ministry of foreign affairs', 'Ministry of Foreign Affairs', 'Foreign Affairs'),
    ('ministry of health', 'Ministry of Health', 'Health')
) AS v
JOIN departments d ON d.name = v.column3;
