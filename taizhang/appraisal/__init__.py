"""考评: yearly appraisal of units (部门考评) and staff (职工考核), scored from the ledgers and by
named people, graded within quotas, published and locked."""
