#!/usr/bin/python3
# make-fail-fixtures.py - write tests/fixtures/csaf/fail/<TEST>.json: one document per
# mandatory test kcert implements, each made to fail that test, from a valid document
# kcert wrote (tests/fixtures/csaf/kcert-2026-0001.json) or the OASIS VEX example.
import json, copy, os
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'csaf')
base = json.load(open(os.path.join(here, 'kcert-2026-0001.json')))
vex = json.load(open(os.path.join(here, 'sec-vex-2022-0001.json')))
out = {}
def m(name, doc): out[name] = doc
def D(): return copy.deepcopy(base)
def V(): return copy.deepcopy(vex)
d=D(); d['vulnerabilities'][0]['product_status']['known_affected'].append('CSAFPID-9999'); m('6.1.1', d)
d=D(); d['product_tree']['full_product_names']=[{'name':'dup','product_id':'CSAFPID-0001'}]; m('6.1.2', d)
d=D(); d['product_tree']['relationships']=[{'category':'installed_on','full_product_name':{'name':'x','product_id':'CSAFPID-0100'},'product_reference':'CSAFPID-0100','relates_to_product_reference':'CSAFPID-0001'}]; m('6.1.3', d)
d=D(); d['vulnerabilities'][0]['remediations'][0]['group_ids']=['CSAFGID-0001']; m('6.1.4', d)
d=D(); d['product_tree']['product_groups']=[{'group_id':'G1','product_ids':['CSAFPID-0001','CSAFPID-0002']},{'group_id':'G1','product_ids':['CSAFPID-0001','CSAFPID-0002']}]; m('6.1.5', d)
d=D(); d['vulnerabilities'][0]['product_status']['known_not_affected']=['CSAFPID-0001']; m('6.1.6', d)
d=D(); v=d['vulnerabilities'][0]; v['scores'].append(copy.deepcopy(v['scores'][0])); m('6.1.7', d)
d=D(); d['vulnerabilities'][0]['scores'][0]['cvss_v3']['vectorString']='CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; m('6.1.8', d)
d=D(); c=d['vulnerabilities'][0]['scores'][0]['cvss_v3']; c['baseScore']=round(c['baseScore']-1.5, 1); m('6.1.9', d)
d=D(); d['vulnerabilities'][0]['scores'][0]['cvss_v3']['attackVector']='LOCAL'; m('6.1.10', d)
d=D(); d['document']['lang']='norsk bokmål'; m('6.1.12', d)
d=D(); d['product_tree']['full_product_names']=[{'name':'p','product_id':'P1','product_identification_helper':{'purl':'pkg:npm'}}]; m('6.1.13', d)
d=D(); h=d['document']['tracking']['revision_history']; h[0]['date'],h[1]['date']=h[1]['date'],h[0]['date']; m('6.1.14', d)
d=D(); d['document']['publisher']['category']='translator'; m('6.1.15', d)
d=D(); d['document']['tracking']['version']='1'; m('6.1.16', d)
d=D(); d['document']['tracking']['version']='0'; d['document']['tracking']['revision_history']=[{'date':'2026-11-28T08:00:00Z','number':'0','summary':'x'}]; m('6.1.17', d)
d=D(); d['document']['tracking']['revision_history'].insert(0,{'date':'2020-11-28T07:00:00Z','number':'0','summary':'x'}); m('6.1.18', d)
d=D(); d['document']['tracking']['version']='1.0.0'; d['document']['tracking']['revision_history']=[{'date':'2026-11-28T07:00:00Z','number':'1.0.0-rc1','summary':'x'},{'date':'2026-11-28T08:00:00Z','number':'1.0.0','summary':'y'}]; m('6.1.19', d)
d=D(); d['document']['tracking']['version']='1.0.0-rc1'; d['document']['tracking']['revision_history']=[{'date':'2026-11-28T08:00:00Z','number':'1.0.0','summary':'y'}]; m('6.1.20', d)
d=D(); d['document']['tracking']['revision_history'][1]['number']='3'; d['document']['tracking']['version']='3'; m('6.1.21', d)
d=D(); d['document']['tracking']['revision_history'][1]['number']='1'; d['document']['tracking']['version']='1'; m('6.1.22', d)
d=D(); d['vulnerabilities'].append(copy.deepcopy(d['vulnerabilities'][0])); m('6.1.23', d)
d=D(); d['vulnerabilities'][0]['involvements']=[{'party':'vendor','status':'open','date':'2026-11-01T00:00:00Z'},{'party':'vendor','status':'completed','date':'2026-11-01T00:00:00Z'}]; m('6.1.24', d)
d=D(); d['product_tree']['full_product_names']=[{'name':'p','product_id':'P1','product_identification_helper':{'hashes':[{'filename':'a.exe','file_hashes':[{'algorithm':'sha256','value':'0'*64},{'algorithm':'sha256','value':'1'*64}]}]}}]; m('6.1.25', d)
d=D(); d['document']['category']='Security_Advisory'; m('6.1.26', d)
d=D(); d['document']['category']='csaf_informational_advisory'; d['document']['notes']=[{'category':'legal_disclaimer','text':'x'}]; m('6.1.27.1', d)
d=D(); d['document']['category']='csaf_informational_advisory'; d['document']['references']=[r for r in d['document']['references'] if r['category']=='self']; m('6.1.27.2', d)
d=D(); d['document']['category']='csaf_informational_advisory'; m('6.1.27.3', d)
d=D(); del d['product_tree']; m('6.1.27.4', d)
d=D(); del d['vulnerabilities'][0]['notes']; m('6.1.27.5', d)
d=D(); del d['vulnerabilities'][0]['product_status']; m('6.1.27.6', d)
d=V(); d['vulnerabilities'][0]['product_status']={'first_affected':['CSAFPID-0001']}; m('6.1.27.7', d)
d=V(); d['vulnerabilities'][0].pop('cve',None); d['vulnerabilities'][0].pop('ids',None); m('6.1.27.8', d)
d=V(); d['vulnerabilities'][0].pop('flags',None); d['vulnerabilities'][0].pop('threats',None); m('6.1.27.9', d)
d=V(); ps=d['vulnerabilities'][0]['product_status']; ps['known_affected']=['CSAFPID-0001']; ps['known_not_affected']=[x for x in ps.get('known_not_affected',[]) if x!='CSAFPID-0001']; d['vulnerabilities'][0].pop('remediations',None); m('6.1.27.10', d)
d=D(); del d['vulnerabilities']; m('6.1.27.11', d)
d=D(); d['document']['source_lang']='nb'; m('6.1.28', d)
d=D(); del d['vulnerabilities'][0]['remediations'][0]['product_ids']; m('6.1.29', d)
d=D(); d['document']['tracking']['revision_history'][1]['number']='2.0.0'; d['document']['tracking']['version']='2.0.0'; m('6.1.30', d)
d=D()
def walk(b):
    for x in b:
        if x.get('category')=='product_version': x['name']='prior to 2.4.60'; return True
        if 'branches' in x and walk(x['branches']): return True
walk(d['product_tree']['branches']); m('6.1.31', d)
d=D(); d['vulnerabilities'][0]['flags']=[{'label':'component_not_present'}]; m('6.1.32', d)
d=D(); d['vulnerabilities'][0]['flags']=[{'label':'component_not_present','product_ids':['CSAFPID-0001']},{'label':'vulnerable_code_not_present','product_ids':['CSAFPID-0001']}]; m('6.1.33', d)
os.makedirs(os.path.join(here, 'fail'), exist_ok=True)
for k, v in out.items():
    with open(os.path.join(here, 'fail', '%s.json' % k), 'w') as f:
        json.dump(v, f, indent=1, ensure_ascii=False)
