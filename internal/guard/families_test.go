package guard

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Check-digit helpers for the family samples: each returns a valid
// identifier of its format built from the given digits.

func cpfOf(d9 string) string {
	d := d9
	for _, n := range []int{9, 10} {
		sum := 0
		for k := 0; k < n; k++ {
			sum += int(d[k]-'0') * (n + 1 - k)
		}
		r := sum * 10 % 11 % 10
		d += strconv.Itoa(r)
	}
	return d
}

func cnpjOf(d12 string) string {
	d := d12
	for _, w := range [][]int{{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}, {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}} {
		sum := 0
		for k, x := range w {
			sum += int(d[k]-'0') * x
		}
		r := sum % 11
		if r < 2 {
			r = 0
		} else {
			r = 11 - r
		}
		d += strconv.Itoa(r)
	}
	return d
}

func peselOf(d10 string) string {
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for k, x := range w {
		sum += int(d10[k]-'0') * x
	}
	return d10 + strconv.Itoa((10-sum%10)%10)
}

func rrnOf(d12 string) string {
	w := []int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for k, x := range w {
		sum += int(d12[k]-'0') * x
	}
	return d12 + strconv.Itoa((11-sum%11)%10)
}

func cnIDOf(d17 string) string {
	sum := 0
	for k := 0; k < 17; k++ {
		sum += int(d17[k]-'0') * cnWeights[k]
	}
	return d17 + string("10X98765432"[sum%11])
}

func curpOf(p17 string) string {
	const al = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ"
	sum := 0
	for k := 0; k < 17; k++ {
		sum += strings.IndexByte(al, p17[k]) * (18 - k)
	}
	return p17 + strconv.Itoa((10-sum%10)%10)
}

func dniOf(n int) string {
	return strconv.Itoa(n) + string("TRWAGMYFPDXBNJZSQVHLCKE"[n%23])
}

func bsnOf(d8 string) string {
	for c := 0; c <= 9; c++ {
		x := d8 + strconv.Itoa(c)
		if bsnValid([]byte(x)) {
			return x
		}
	}
	return bsnOf(d8[:7] + strconv.Itoa((int(d8[7]-'0')+1)%10))
}

type famCase struct {
	name   string
	props  string
	secret string // "" for a negative: no critical finding and nothing changed
}

func pos(name, props, secret string) famCase { return famCase{name, props, secret} }
func neg(name, props string) famCase         { return famCase{name: name, props: props} }

func familyCases() []famCase {
	cpf := cpfOf("529982247")
	cnpj := cnpjOf("112223330001")
	cnpjF := cnpj[:2] + "." + cnpj[2:5] + "." + cnpj[5:8] + "/" + cnpj[8:12] + "-" + cnpj[12:]
	pesel := peselOf("4405140135")
	rrn := rrnOf("900101123456")
	cnid := cnIDOf("11010519491231002")
	curp := curpOf("GODE561231HDFRRN0")
	sin := withLuhn("13069254")
	aad := withVerhoeff("23412341234")
	za := withLuhn("800101500908")
	bsn := bsnOf("11122233")
	steuer := withSteuer("8609574271")
	pnr := withLuhn("811218987")
	jh := b64url(`{"alg":"HS256","typ":"JWT"}`)
	anon := jh + "." + b64url(`{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"anon","iat":1700000000,"exp":2000000000}`) + "." + fake(301, 43, b64u)
	service := jh + "." + b64url(`{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role","iat":1700000000,"exp":2000000000}`) + "." + fake(302, 43, b64u)
	user := jh + "." + b64url(`{"iss":"https://abc.supabase.co/auth/v1","sub":"42","role":"authenticated"}`) + "." + fake(303, 43, b64u)
	ga := withLuhn("412345678170000000")  // a _ga id and timestamp that read as a Visa 19
	fbp := withLuhn("170000000000041234") // an _fbp timestamp and id
	return []famCase{
		// Hong Kong and Taiwan identity numbers, with their check characters
		pos("hkid key", kv("hkid", "A123456(3)").props, "A123456(3)"),
		pos("hkid key compact", kv("hong_kong_id", "A1234563").props, "A1234563"),
		pos("hkid two letters", kv("note", "HKID: AB987654(3)").props, "AB987654(3)"),
		pos("hkid prose chinese", kv("message", "我的身份證號碼是G123456(A)").props, "G123456(A)"),
		pos("hkid anywhere", kv("$exception_message", "KYC rejected for A123456(3): photo unclear").props, "A123456(3)"),
		pos("hkid doc pair", `{"documents":[{"type":"HKID","number":"A123456(3)"}]}`, "A123456(3)"),
		neg("hkid bad check", kv("hkid", "A123456(4)").props),
		neg("hkid bad check prose", kv("note", "HKID A123456(4)").props),
		neg("hkid-like model", kv("product", "Lens A123456(3)x kit").props),
		pos("taiwan key", kv("taiwan_id", "A123456789").props, "A123456789"),
		pos("taiwan chinese key", kv("身分證字號", "F131104093").props, "F131104093"),
		pos("taiwan prose", kv("message", "身分證字號：A123456789，請核對").props, "A123456789"),
		pos("taiwan prose english", kv("note", "Taiwan ID A123456789 verified").props, "A123456789"),
		pos("taiwan resident", kv("tw_id", "A800000014").props, "A800000014"),
		neg("taiwan bad check", kv("taiwan_id", "A123456788").props),
		neg("taiwan bad check chinese key", kv("身分證字號", "F131104094").props),
		neg("taiwan bad check prose", kv("note", "Taiwan ID A123456788 verified").props),
		neg("taiwan shape alone", kv("order", "A123456789").props),
		// cased cues in scripts other than Latin
		pos("cyrillic cue capitalised", kv("message", "Пароль: Moskva_1990").props, "Moskva_1990"),
		pos("cyrillic cue capitals", kv("message", "ЛОГИН: ivan ПАРОЛЬ: Zx81kq9").props, "Zx81kq9"),
		pos("cyrillic id cue", kv("note", "Паспорт 4509123456, выдан 2015").props, "4509123456"),
		pos("cyrillic snils", kv("note", "СНИЛС: 11223344595").props, "11223344595"),
		pos("greek cue capitals", kv("message", "ΚΩΔΙΚΟΣ ΠΡΟΣΒΑΣΗΣ: Ath3na#77").props, "Ath3na#77"),
		pos("greek cue", kv("message", "Ο κωδικός πρόσβασης είναι: Ath3na#77").props, "Ath3na#77"),
		pos("polish cue capitals", kv("message", "HASŁO: Krakow#2024").props, "Krakow#2024"),
		pos("turkish cue capitalised", kv("message", "Şifre: Ankara06!x").props, "Ankara06!x"),
		neg("cyrillic cue prose", kv("message", "Пароль: минимум 8 символов").props),
		neg("cyrillic cue word", kv("message", "ПАРОЛЬ: неверный").props),
		neg("cyrillic passport prose", kv("note", "Паспорт: нужен для поездки").props),
		// passwords in Ruby hashes (Rails "Parameters:" log lines)
		pos("rails params", kv("log", `Parameters: {"user"=>{"email"=>"a@b.c", "password"=>"Qz19xxLp"}}`).props, "Qz19xxLp"),
		pos("ruby symbol arrow", kv("log", `params: {:user=>"bob", :password => "Qz19xxLp"}`).props, "Qz19xxLp"),
		neg("rails filtered", kv("log", `Parameters: {"password"=>"[FILTERED]", "commit"=>"Log in"}`).props),
		neg("ruby arrow word", kv("log", `params {:pin=>"top", :pass=>"gate 4"}`).props),
		// passwords piped into a program that reads them from stdin
		pos("passwd stdin", kv("cmd", "echo 'Qz19xxLp' | passwd --stdin bob").props, "Qz19xxLp"),
		pos("docker password-stdin", kv("cmd", "echo Qz19xxLp | docker login -u bob --password-stdin").props, "Qz19xxLp"),
		pos("printf sudo", kv("cmd", `printf 'Qz19xxLp\n' | sudo -S ls`).props, "Qz19xxLp"),
		neg("stdin from file", kv("cmd", "cat ~/pw.txt | docker login -u bob --password-stdin").props),
		neg("stdin from variable", kv("cmd", "echo $REGISTRY_TOKEN | docker login -u bob --password-stdin").props),
		neg("stdin no pipe", kv("cmd", "echo starting; passwd --stdin bob < /run/pw").props),
		// one-dash long options, Java properties, OpenSSL pass phrases
		pos("keytool storepass", kv("cmd", "keytool -genkey -alias a -storepass Qz19xxLp -keystore k.jks").props, "Qz19xxLp"),
		pos("plink pw", kv("cmd", "plink -ssh bob@h -pw Qz19xxLp").props, "Qz19xxLp"),
		pos("java property", kv("cmd", "java -Djavax.net.ssl.keyStorePassword=Qz19xxLp -jar app.jar").props, "Qz19xxLp"),
		pos("openssl passin", kv("cmd", "openssl rsa -in k.pem -passin pass:Qz19xxLp -out k2.pem").props, "Qz19xxLp"),
		neg("openssl passin env", kv("cmd", "openssl rsa -in k.pem -passin env:KEY_PW -out k2.pem").props),
		neg("java property public", kv("cmd", "java -Dfile.encoding=UTF-8 -Dpassword.policy=strict -jar app.jar").props),
		neg("find name", kv("cmd", "find . -name secrets -type d -print").props),
		// national IDs named after their value, or by a field name in a log line
		pos("ssn before cue", kv("$exception_message", "ValueError: 536221234 is not a valid SSN").props, "536221234"),
		pos("cpf before cue", kv("$exception_message", "Erro: "+cpf+" não é um CPF válido").props, cpf),
		pos("cue word colon", kv("$exception_message", "Error: CPF inválido: "+cpf).props, cpf),
		neg("ssn before cue bad area", kv("$exception_message", "ValueError: 000123456 is not a valid SSN").props),
		neg("cpf before cue bad check", kv("$exception_message", "Erro: 52998224726 não é um CPF válido").props),
		neg("cue word colon bad check", kv("$exception_message", "Error: CPF inválido: 52998224726").props),
		pos("field name snake", kv("log", "error: social_security_number 536221234 rejected").props, "536221234"),
		pos("field name camel", kv("log", "lookup failed for nationalId "+cpf).props, cpf),
		pos("field name dotted", kv("log", "user.ssn 536221234 rejected by KYC").props, "536221234"),
		pos("field name quoted", kv("log", `failed to parse national_id "536221234": checksum`).props, "536221234"),
		pos("field name za id", kv("log", "Error 422: id_number "+za+" is not valid").props, za),
		neg("field name order", kv("log", "order_id 536221234 shipped to user_id 8001015009087").props),
		neg("field name bad ssn", kv("log", "social_security_number 000-12-3456 rejected").props),
		neg("field name status", kv("log", "ssn_status 536221234 pending, national_id_verified 20240101").props),
		// values that validation libraries quote in their errors
		pos("joi", kv("$exception_message", `ValidationError: "ssn" with value "536221234" fails to match the required pattern`).props, "536221234"),
		pos("joi password", kv("$exception_message", `"password" with value "Qz19xxLp" fails to match the required pattern`).props, "Qz19xxLp"),
		pos("spring", kv("$exception_message", `Field error in object 'user' on field 'ssn': rejected value [536221234]; codes [Pattern.user.ssn]`).props, "536221234"),
		pos("pydantic", kv("$exception_message", "1 validation error for User\nssn\n  String should match pattern '^x$' [type=string_pattern_mismatch, input_value='536221234', input_type=str]").props, "536221234"),
		pos("invalid value for field", kv("$exception_message", `invalid value "`+cpf+`" for field "cpf"`).props, cpf),
		neg("joi public field", kv("$exception_message", `"order_id" with value "536221234" fails to match`).props),
		neg("joi bad ssn", kv("$exception_message", `"ssn" with value "000123456" fails to match`).props),
		neg("spring public field", kv("$exception_message", `Field error in object 'order' on field 'quantity': rejected value [536221234]`).props),
		neg("invalid value bad cpf", kv("$exception_message", `invalid value "52998224726" for field "cpf"`).props),
		pos("mysql duplicate entry", kv("$exception_message", "ERROR 1062 (23000): Duplicate entry '536221234' for key 'users.ssn'").props, "536221234"),
		pos("mysql duplicate index", kv("$exception_message", "Duplicate entry '"+cpf+"' for key 'cpf_UNIQUE'").props, cpf),
		neg("mysql duplicate public", kv("$exception_message", "Duplicate entry '536221234' for key 'orders.order_no'").props),
		neg("mysql duplicate bad cpf", kv("$exception_message", "Duplicate entry '52998224726' for key 'cpf_UNIQUE'").props),
		pos("cue angle brackets", kv("$exception_message", "Failed to verify CPF <"+cpf+">").props, cpf),
		pos("india pan cue", kv("$exception_message", "Error: invalid PAN ABCPE1234F").props, "ABCPE1234F"),
		pos("india pan before cue", kv("$exception_message", "ABCPE1234F is not a valid PAN").props, "ABCPE1234F"),
		neg("pan cue card word", kv("message", "PAN entry mode 051 and PAN sequence 001").props),
		// multipart form bodies and configuration written in code
		pos("multipart", kv("body", "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nQz19xxLp\r\n--b--").props, "Qz19xxLp"),
		pos("multipart lf", kv("body", "--x\nContent-Disposition: form-data; name=\"ssn\"\n\n536221234\n--x--").props, "536221234"),
		neg("multipart public", kv("body", "--b\r\nContent-Disposition: form-data; name=\"password_hint\"\r\n\r\nmy dog\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello 1234567\r\n--b--").props),
		pos("php define", kv("content", "define( 'DB_PASSWORD', 'Qz19xxLp' );\ndefine( 'DB_HOST', 'localhost' );").props, "Qz19xxLp"),
		pos("laravel env default", kv("content", "'password' => env('DB_PASSWORD', 'Qz19xxLp'),").props, "Qz19xxLp"),
		pos("ruby set symbol", kv("content", "set :password, 'Qz19xxLp'").props, "Qz19xxLp"),
		pos("python tuple", kv("content", `conn = connect(("user", "bob"), ("password", "Qz19xxLp"))`).props, "Qz19xxLp"),
		neg("php define public", kv("content", "define( 'DB_NAME', 'wordpress' ); define('DB_PASSWORD', getenv('DB_PW'));").props),
		neg("quoted pair word", kv("content", `labels = ("password", "reset"), ("token", "expired")`).props),
		// a percent-encoded parameter name that decodes to a card number
		pos("encoded card name", kv("$current_url", "https://h.example/p?4111%201111%201111%201111=v&x=1").props, "4111%201111%201111%201111"),
		neg("encoded public name", kv("$current_url", "https://h.example/p?order%20id=4111&utm%5Bsource%5D=mail").props),
		// analytics cookies: dotted counters and timestamps are no card
		neg("ga cookie", kv("cookie", "_ga=GA1.2."+ga[:9]+"."+ga[9:]+"; _gid=GA1.2.1.1").props),
		neg("fbp cookie", kv("$cookies", "_fbp=fb.1."+fbp[:13]+"."+fbp[13:]+"; theme=dark").props),
		neg("gcl cookie", kv("cookie", "_gcl_au=1.1."+ga[:9]+"."+ga[9:]).props),
		pos("dotted card", kv("note", "card 4111.1111.1111.1111 on file").props, "4111.1111.1111.1111"),
		pos("dotted amex", kv("note", "amex 3782.822463.10005").props, "3782.822463.10005"),
		pos("card then counter", kv("note", "pan 4111111111111111.1700000000 logged").props, "4111111111111111"),
		// JWTs: the payload decides
		neg("supabase anon neutral", kv("config", anon).props),
		neg("supabase anon in text", kv("msg", "createClient(url, '"+anon+"')").props),
		neg("supabase anon under key", kv("supabase_key", anon).props),
		pos("supabase service role", kv("config", service).props, service),
		pos("supabase service role key", kv("supabase_key", service).props, service),
		pos("supabase user token", kv("config", user).props, user),
		// national IDs under keys in many spellings
		pos("ssn full key", kv("social_security_number", "536-22-1234").props, "536-22-1234"),
		pos("cnpj key", kv("CNPJ", cnpjF).props, cnpjF),
		pos("cnpj key bare", kv("cnpj", cnpj).props, cnpj),
		pos("pesel key", kv("pesel", pesel).props, pesel),
		pos("rrn key", kv("resident_registration_number", rrn[:6]+"-"+rrn[6:]).props, rrn[:6]+"-"+rrn[6:]),
		pos("curp key", kv("curp", curp).props, curp),
		pos("cn id key", kv("shenfenzheng", cnid).props, cnid),
		pos("ssn int", `{"ssn":536221234}`, "536221234"),
		pos("cpf int", `{"cpf":`+cpf+`}`, cpf),
		pos("doc pair cnpj", `{"documents":[{"type":"CNPJ","id":"`+cnpjF+`"}]}`, cnpjF),
		pos("doc pair cn", `{"documents":[{"type":"resident_id","id":"`+cnid+`"}]}`, cnid),
		pos("doc pair curp", `{"documents":[{"kind":"CURP","number":"`+curp+`"}]}`, curp),
		pos("doc pair pesel", `{"documents":[{"doc_type":"PESEL","id":"`+pesel+`"}]}`, pesel),
		// in prose
		pos("prose cnpj", kv("comment", "Empresa CNPJ "+cnpjF+" cadastrada").props, cnpjF),
		pos("prose pesel", kv("text", "Mój PESEL to "+pesel).props, pesel),
		pos("prose rrn", kv("message", "주민등록번호: "+rrn[:6]+"-"+rrn[6:]).props, rrn[:6]+"-"+rrn[6:]),
		pos("prose curp", kv("body", "Mi CURP es "+curp+", gracias").props, curp),
		pos("prose cn", kv("body", "身份证号码 "+cnid).props, cnid),
		pos("prose nino", kv("message", "NI number: AB123456C").props, "AB123456C"),
		pos("prose bsn", kv("message", "mijn BSN is "+bsn).props, bsn),
		pos("prose sa id", kv("note", "ID number "+za).props, za),
		pos("prose aadhaar", kv("note", "Aadhaar no. "+aad[:4]+" "+aad[4:8]+" "+aad[8:]).props, aad[:4]+" "+aad[4:8]+" "+aad[8:]),
		pos("prose ssn", kv("note", "customer's social security number is 536221234").props, "536221234"),
		pos("prose steuer", kv("note", "Steuer-IdNr. "+steuer).props, steuer),
		pos("prose pnr", kv("note", "personnr "+pnr[:6]+"-"+pnr[6:]).props, pnr[:6]+"-"+pnr[6:]),
		pos("prose sin", kv("note", "SIN: "+sin).props, sin),
		pos("prose dni", kv("note", "con DNI "+dniOf(12345678)).props, dniOf(12345678)),
		pos("error ssn", kv("$exception_message", "ValidationError: invalid ssn 536221234 for user 42").props, "536221234"),
		pos("error cpf", kv("$exception_message", "duplicate key value violates unique constraint: (cpf)=("+cpf+")").props, cpf),
		pos("error cnpj", kv("$exception_message", "CNPJ "+cnpjF+" not found").props, cnpjF),
		pos("error cnid", kv("$exception_message", "IdCardException: id_card="+cnid).props, cnid),
		// in URLs
		pos("url ssn path", kv("$current_url", "https://x.example/api/ssn/536221234").props, "536221234"),
		pos("url cpf path", kv("$current_url", "https://x.example/users/cpf/"+cpf+"/profile").props, cpf),
		pos("url cpf query", kv("$current_url", "https://x.example/lookup?cpf="+cpf).props, cpf),
		pos("url cpf formatted", kv("$current_url", "https://x.example/clientes/"+cpf[:3]+"."+cpf[3:6]+"."+cpf[6:9]+"-"+cpf[9:]).props, cpf[:3]+"."+cpf[3:6]+"."+cpf[6:9]+"-"+cpf[9:]),
		pos("url nino path", kv("$current_url", "https://x.example/nino/AB123456C").props, "AB123456C"),
		pos("url pesel", kv("$current_url", "https://x.example/pesel/"+pesel).props, pesel),
		pos("form cnpj", kv("payload", "nome=Acme&cnpj="+cnpj+"&uf=SP").props, cnpj),
		pos("json cnpj", kv("graphql", `{"variables":{"input":{"cnpj":"`+cnpjF+`"}}}`).props, cnpjF),
		// passwords in commands, configs and logs
		pos("oracle", kv("cmd", "sqlplus scott/Tiger2024x@ORCL").props, "Tiger2024x"),
		pos("xfreerdp", kv("cmd", "xfreerdp /v:10.0.0.5 /u:admin /p:Winter2024!").props, "Winter2024!"),
		pos("net use", kv("cmd", `net use Z: \\fs01\share /user:CORP\bob Passw0rd9`).props, "Passw0rd9"),
		pos("pgpassword", kv("cmd", "PGPASSWORD=Kx92mmQ1z psql -h db -U app").props, "Kx92mmQ1z"),
		pos("docker -e", kv("cmd", "docker run -e MYSQL_ROOT_PASSWORD=Rt55hhQq9 mysql:8").props, "Rt55hhQq9"),
		pos("sqlcmd -P", kv("cmd", "sqlcmd -S db -U sa -P Yuk0nX12 -Q select").props, "Yuk0nX12"),
		pos("argv -p glued", `{"argv":["mysql","-uroot","-pZq81xxLm","shop"]}`, "Zq81xxLm"),
		pos("argv pass", `{"argv":["sshpass","-p","Wq9zzLm2","ssh","host"]}`, "Wq9zzLm2"),
		pos("basic header", kv("headers", "Authorization: Basic YWRtaW46U2VjcmV0OTk=").props, "YWRtaW46U2VjcmV0OTk="),
		pos("netrc", kv("content", "machine api.example.com\nlogin bob\npassword Hq7wert9").props, "Hq7wert9"),
		pos("netrc one line", kv("content", "machine api.example.com login bob password Hq7wert9").props, "Hq7wert9"),
		pos("my.cnf", kv("content", "# my.cnf\\n[client]\nuser=root\npassword=Mq8vvZ11\n").props, "Mq8vvZ11"),
		pos("yaml", kv("content", "db:\n  user: app\n  password: Lk33pqRs\n").props, "Lk33pqRs"),
		pos("toml", kv("content", "# app.toml\\n[db]\npassword = \"Lk33pqRs\"\n").props, "Lk33pqRs"),
		pos("log pw", kv("msg", "login failed for user=bob pass=Qz19xxLp ip=1.2.3.4").props, "Qz19xxLp"),
		pos("log pw json", kv("msg", `auth attempt {"user":"bob","passwd":"Qz19xxLp"}`).props, "Qz19xxLp"),
		pos("form body", kv("payload", "username=bob&passwd=Qz19xxLp&remember=1").props, "Qz19xxLp"),
		pos("openssl -k", kv("cmd", "openssl enc -aes256 -k Kq7zR2mX -in x").props, "Kq7zR2mX"),
		pos("lftp", kv("cmd", "lftp -u bob,Kq7zR2mX ftp.example.com").props, "Kq7zR2mX"),
		pos("rdesktop", kv("cmd", "rdesktop -u admin -p Kq7zR2mX 10.0.0.1").props, "Kq7zR2mX"),
		pos("htpasswd", kv("cmd", "htpasswd -b /etc/htpasswd bob Kq7zR2mX").props, "Kq7zR2mX"),
		pos("chpasswd", kv("cmd", `echo "bob:Kq7zR2mX" | chpasswd`).props, "Kq7zR2mX"),
		pos("wifi psk", kv("content", `network={ ssid="home" psk="Kq7zR2mX" }`).props, "Kq7zR2mX"),
		pos("smbclient", kv("cmd", "smbclient //srv/share Kq7zR2mX -U bob").props, "Kq7zR2mX"),
		pos("sshpass glued", kv("cmd", "sshpass -pKq7zR2mX ssh host").props, "Kq7zR2mX"),
		pos("net user", kv("cmd", "net user bob Kq7zR2mX /add").props, "Kq7zR2mX"),
		pos("ado.net", kv("conn", "Server=db;Database=app;User Id=sa;Password=Kq7zR2mX;").props, "Kq7zR2mX"),
		pos("powershell", kv("cmd", `$pw = ConvertTo-SecureString "Kq7zR2mX" -AsPlainText -Force`).props, "Kq7zR2mX"),
		neg("runas", kv("cmd", "runas /user:admin /savecred cmd").props),
		neg("net use no pw", kv("cmd", `net use Z: \\srv\share /user:bob /persistent:yes`).props),
		neg("net user query", kv("cmd", "net user bob /domain").props),
		neg("htpasswd prompt", kv("cmd", "htpasswd /etc/htpasswd bob").props),
		neg("pipe prose", kv("msg", "build | test | deploy finished in 42s").props),
		neg("oracle nolog", kv("cmd", "sqlplus /nolog @script.sql").props),
		neg("oracle sysdba", kv("cmd", "sqlplus / as sysdba").props),
		pos("xml entry key", kv("content", `<properties><entry key="db.password">Kq7zR2mX</entry></properties>`).props, "Kq7zR2mX"),
		pos("ncftp", kv("cmd", "ncftp -u bob -p Kq7zR2mX host").props, "Kq7zR2mX"),
		pos("az login", kv("cmd", "az login -u bob -p Kq7zR2mX").props, "Kq7zR2mX"),
		pos("mongo glued", kv("cmd", "mongo -u admin -pKq7zR2mX").props, "Kq7zR2mX"),
		pos("cqlsh", kv("cmd", "cqlsh -u cassandra -p Kq7zR2mX").props, "Kq7zR2mX"),
		pos("sqlplus no service", kv("cmd", "sqlplus system/Kq7zR2mX").props, "Kq7zR2mX"),
		neg("xml entry public", kv("content", `<properties><entry key="db.host">db.internal</entry></properties>`).props),
		neg("az other -p", kv("cmd", "az vm create -n vm1 -p 8080").props),
		neg("sqlplus path", kv("cmd", "sqlplus @/opt/scripts/run.sql").props),
		pos("argv flag=value", `{"argv":["mysql","-h","db","--password=Kq7zR2mX","shop"]}`, "Kq7zR2mX"),
		pos("argv curl -u", `{"argv":["curl","-u","bob:Kq7zR2mX","https://x.io"]}`, "Kq7zR2mX"),
		neg("argv flag=public", `{"argv":["mysql","-h","db","--password-file=/run/secrets/db","--port=3306"]}`),
		neg("argv -u user", `{"argv":["ssh","-u","bob","host"]}`),
		neg("argv flag template", `{"argv":["psql","--password=${DB_PASSWORD}"]}`),
		pos("inline asp.net", kv("msg", "POST /login ctl00$Main$txtPassword=Kq7zR2mX&btn=Go").props, "Kq7zR2mX"),
		pos("inline camel", kv("msg", "auth failed (userPassword: Kq7zR2mX)").props, "Kq7zR2mX"),
		pos("inline jsf", kv("msg", "form loginForm%3Apassword=Kq7zR2mX submitted").props, "Kq7zR2mX"),
		pos("inline suffix digit", kv("msg", "reset done, password1: Kq7zR2mX").props, "Kq7zR2mX"),
		neg("inline prose", kv("msg", "password: must be 8 characters or more").props),
		neg("inline strength", kv("msg", "passwordStrength: strong, passwordChangedAt: 2024-01-01").props),
		neg("inline word", kv("msg", "login ok, password: accepted").props),
		neg("inline template", kv("msg", "config loaded password=${DB_PASSWORD} host=db").props),
		// PINs
		pos("pin digits", kv("pin", "4821").props, "4821"),
		pos("unlock code", kv("unlock_code", "4821").props, "4821"),
		pos("passcode", kv("passcode", "482915").props, "482915"),
		pos("pin sibling", `{"fields":[{"name":"pin","value":"4821"}]}`, "4821"),
		neg("pin word", kv("pin", "top").props),
		neg("pin bool", kv("pin", "true").props),
		neg("pin gate", kv("pin", "gate 4").props),
		neg("pincode postal", kv("shipping_pincode", "560001").props),
		neg("pin alnum", kv("pin", "gate4b").props),
		neg("delivery pincode", kv("delivery_pincode", "110 001").props),
		neg("pin coords", kv("pin", "12.9716,77.5946").props),
		neg("pinned", kv("pinned", "1").props),
		// CVV
		pos("cvv long key", `{"card_number":"4111111111111111","card_verification_value":"123"}`, "123"),
		pos("cvv2", `{"cvv2":"123"}`, "123"),
		pos("security code card", `{"card":{"security_code":"123"}}`, "123"),
		pos("nhs spaced", kv("note", "NHS number 943 476 5919").props, "943 476 5919"),
		pos("nhs key", kv("nhs_number", "9434765919").props, "9434765919"),
		pos("id then value", kv("$exception_message", "ValidationError: field nino value AB123456C invalid").props, "AB123456C"),
		pos("pan card", kv("note", "my PAN card is ABCPE1234F").props, "ABCPE1234F"),
		neg("nhs bad", kv("note", "NHS number 943 476 5918").props),
		neg("nhs key bad", kv("nhs_number", "9434765918").props),
		neg("rfc prose", kv("note", "see RFC 7231 section 6").props),
		pos("account field", `{"fields":[{"name":"account","value":"12345678901"}]}`, "12345678901"),
		pos("acct pair", `{"form":[["acct","12345678901"]]}`, "12345678901"),
		neg("account field name", `{"fields":[{"name":"account","value":"acme-corp"}]}`),
		neg("account key id", kv("account", "12345678901").props),
		pos("cue no.", kv("message", "customer passport no. X12345678 verified").props, "X12345678"),
		pos("cue nr.", kv("message", "Ausweis-Nr. L01X00T47 geprüft").props, "L01X00T47"),
		pos("cue dl#", kv("message", "DL# D1234567 expired").props, "D1234567"),
		pos("cue russian", kv("message", "номер паспорта 4509123456").props, "4509123456"),
		pos("cue ss#", kv("message", "SS# 536-22-1234 on file").props, "536-22-1234"),
		neg("cue no number", kv("message", "passport no. needed before travel").props),
		neg("license key text", kv("message", "license no longer valid since 2024").props),
		pos("python repr", kv("$exception_message", "ValidationError({'cnpj': '"+cnpjF+"', 'uf': 'SP'})").props, cnpjF),
		pos("json text in error", kv("$exception_message", `bad request: {"tax_id":"`+cpf+`"}`).props, cpf),
		neg("python repr public", kv("$exception_message", "KeyError({'cnpj_status': 'active', 'uf': 'SP'})").props),
		// negatives
		neg("ssn bad area", kv("social_security_number", "000-12-3456").props),
		neg("order id", kv("note", "order id 8001015009088").props),
		neg("cnpj bad", kv("cnpj", cnpj[:13]+strconv.Itoa((int(cnpj[13]-'0')+1)%10)).props),
		neg("pesel bad", kv("text", "Mój PESEL to "+pesel[:10]+strconv.Itoa((int(pesel[10]-'0')+1)%10)).props),
		neg("url users id", kv("$current_url", "https://x.example/users/536221234/profile").props),
		neg("url order", kv("$current_url", "https://x.example/orders/"+cpf).props),
		// a card number split over sibling fields
		pos("split card four groups", `{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1111","plan":"pro"}`, "4111"),
		pos("split card halves", `{"checkout":{"cc_first_half":"55555555","cc_second_half":"55554444"}}`, "55554444"),
		pos("split card under card key", `{"card":{"part1":"3782","part2":"822463","part3":"10005"}}`, "822463"),
		pos("split card numbers", `{"pan_part_2":1111,"pan_part_1":4111,"pan_part_3":1111,"pan_part_4":1111}`, "4111"),
		neg("split card bad luhn", `{"card_number_1":"4111","card_number_2":"1111","card_number_3":"1111","card_number_4":"1112"}`),
		neg("unrelated 4-digit siblings", `{"year":"4111","build":"1111","port":"1111","code":"1111"}`),
		neg("phone parts", `{"phone_1":"4111","phone_2":"1111","phone_3":"1111","phone_4":"1111"}`),
		neg("card date parts", `{"card_exp_month":"12","card_exp_year":"2030","card_issue_1":"2021"}`),
		neg("card bin and last4", `{"card_bin":"411111","card_last4":"1111","card_first6":"411111"}`),
		// passwords in SQL text
		pos("sql identified by", kv("query", "CREATE USER 'app'@'%' IDENTIFIED BY 'Tr0ub4dor&3';").props, "Tr0ub4dor&3"),
		pos("sql oracle bare", kv("$exception_message", "ORA-01935 in: alter user scott identified by Tiger2024x account unlock").props, "Tiger2024x"),
		pos("sql identified with", kv("sql", "ALTER USER bob IDENTIFIED WITH mysql_native_password BY 'pl4net#X'").props, "pl4net#X"),
		pos("sql postgres role", kv("stmt", `CREATE ROLE reporting WITH LOGIN PASSWORD 'r3p0rt-Only!' VALID UNTIL '2027-01-01'`).props, "r3p0rt-Only!"),
		pos("sql set password", kv("log", "query: SET PASSWORD FOR 'bob'@'localhost' = 'n3wPass!9';").props, "n3wPass!9"),
		neg("sql no password", kv("query", "CREATE USER 'app'@'%' IDENTIFIED WITH auth_socket;").props),
		neg("sql hash only", kv("query", "ALTER USER app IDENTIFIED BY VALUES 'S:1234ABCD';").props),
		neg("sql placeholder", kv("query", "CREATE ROLE app LOGIN PASSWORD $1").props),
		neg("sql select", kv("query", "SELECT id FROM users WHERE password_reset = 'pending' AND role = 'x'").props),
		neg("prose identified", kv("message", "The user identified by the badge entered the room").props),
		// passwords, PINs and one-time codes under keys in other scripts
		pos("key greek", kv("κωδικός_πρόσβασης", "Ελλάδα2024!").props, "Ελλάδα2024!"),
		pos("key greek capitals", kv("ΚΩΔΙΚΌΣ_ΠΡΌΣΒΑΣΗΣ", "Ath3na#77").props, "Ath3na#77"),
		pos("key cyrillic capitalised", kv("Пароль", "Moskva_1990").props, "Moskva_1990"),
		pos("key japanese otp", kv("確認コード", "482913").props, "482913"),
		pos("key chinese otp", kv("短信验证码", "730215").props, "730215"),
		pos("key korean otp", kv("인증코드", "615204").props, "615204"),
		pos("key italian phrase", kv("parola_d_ordine", "Colosseo!88").props, "Colosseo!88"),
		pos("key greek otp", kv("Κωδικός_Επαλήθευσης", "904417").props, "904417"),
		neg("key greek product code", kv("κωδικός_προϊόντος", "SKU-44810").props),
		neg("key japanese date", kv("確認日", "2026-12-01").props),
		neg("key russian changed at", kv("Пароль_изменён_дата", "2026-11-30").props),
		// one-time tokens in sign-in links and custom-scheme deep links
		pos("deep link magic", kv("$deeplink", "myapp://login?magic=Qm9vdHN0cmFwX2xpbms4S2x5Zz&src=email").props, "Qm9vdHN0cmFwX2xpbms4S2x5Zz"),
		pos("deep link reverse dns", kv("url", "com.example.shop://auth/callback?session_key=hT7qP2vXw9LmZ4rN8sKd3Fa").props, "hT7qP2vXw9LmZ4rN8sKd3Fa"),
		pos("web magic link", kv("$current_url", "https://app.example.com/verify?login_token=Zx81kQ0pLmW2vTy7RnB4cD5e").props, "Zx81kQ0pLmW2vTy7RnB4cD5e"),
		neg("deep link ids", kv("$deeplink", "myapp://product?id=8841209&ref=home_banner&campaign_code=SPRING24").props),
		neg("deep link flag", kv("$deeplink", "myapp://settings?magic=true&auth_mode=biometric").props),
		neg("web magic word", kv("$current_url", "https://shop.example/search?q=magic+link+sign+in").props),
		// CSV text whose header names a column
		pos("csv passport column", kv("export", "name,passport_number,country\nAda Lovelace,X12345678,GB\nAlan Turing,Y87654321,GB").props, "Y87654321"),
		pos("csv bsn semicolon", kv("upload_preview", "naam;bsn;stad\r\nJan;"+bsn+";Utrecht\r\n").props, bsn),
		pos("csv password tab", kv("paste", "user\tpassword\nbob\tBl4ckC@t!\n").props, "Bl4ckC@t!"),
		neg("csv ids", kv("export", "order_id,tracking_number,sku\n100234,1Z999AA10123456784,SKU-1\n100235,1Z999AA10123456785,SKU-2").props),
		neg("csv bsn bad check", kv("export", "naam;bsn\nJan;"+bsn[:8]+strconv.Itoa((int(bsn[8]-'0')+1)%10)+"\n").props),
		neg("csv status column", kv("export", "name,passport_status\nAda,verified\nAlan,pending").props),
		// passwords in chat prose written without spaces
		pos("chat chinese", kv("message", "你好，我的密码是Xy7kq92m，登录不了").props, "Xy7kq92m"),
		pos("chat chinese wei", kv("message", "新密码为Hk29!pqz。谢谢").props, "Hk29!pqz"),
		pos("chat japanese", kv("message", "パスワードはSakura2024です").props, "Sakura2024"),
		neg("chat chinese forgot", kv("message", "忘记密码是怎么回事？请帮忙").props),
		neg("chat chinese rule", kv("message", "密码是8位数字和字母的组合").props),
		pos("chat spanish accent", kv("message", "mi contraseña: señor1234").props, "señor1234"),
	}
}

func TestFamilies(t *testing.T) {
	c := mustChecker(t, DefaultPolicy())
	runFamCases(t, c, familyCases())
}

// runFamCases checks positives (the secret removed, no finding holding it)
// and negatives (no critical finding).
func runFamCases(t *testing.T, c *Checker, cases []famCase) {
	t.Helper()
	for _, fc := range cases {
		r := checkEvent(t, c, fc.props)
		if fc.secret != "" {
			if !r.drop && strings.Contains(r.props, jsonText(fc.secret)) {
				t.Errorf("%s: kept (findings: %s) %s", fc.name, describe(r), fc.props)
			}
			for _, f := range r.findings {
				if strings.Contains(fmt.Sprintf("%+v", f), fc.secret) {
					t.Errorf("%s: a finding holds the value", fc.name)
				}
			}
			continue
		}
		for _, f := range r.findings {
			if Critical(Class(f.Class)) {
				t.Errorf("%s: reported %s", fc.name, describe(r))
				break
			}
		}
	}
}
