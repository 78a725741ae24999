package guard

import (
	"fmt"
	"strings"
)

func probeCases() []famCase {
	pw := "Tr0ub4dor&3x"
	cpf := cpfOf("529982247")
	cnid := cnIDOf("11010519491231002")
	tw := twOf('A', "12345678")
	tckn := tcknOf("100000001")
	var out []famCase
	cfg := map[string]string{
		"ini":            "[database]\nhost = db.internal\nport = 5432\npassword = " + pw + "\n",
		"ini crlf":       "[client]\r\nuser=root\r\npassword=" + pw + "\r\n",
		"ini quoted":     "[db]\nuser = \"app\"\npassword = \"" + pw + "\"\n",
		"ini semicolon":  "[db]\npassword = Pa;ss#w0rd9\n",
		"ini word":       "[db]\nuser = app\npassword = correcthorsebattery\n",
		"ini upper":      "[DB]\nPASSWORD=" + pw + "\n",
		"ini tab":        "[db]\npassword\t=\t" + pw + "\n",
		"yaml":           "database:\n  host: db\n  password: " + pw + "\n",
		"yaml quoted":    "db:\n  password: '" + pw + "'\n",
		"yaml dquoted":   "db:\n  password: \"" + pw + "\"\n",
		"yaml spring":    "spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n    username: app\n    password: " + pw + "\n",
		"yaml list":      "env:\n  - name: DB_PASSWORD\n    value: " + pw + "\n",
		"yaml compose":   "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=" + pw + "\n",
		"yaml compose2":  "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: " + pw + "\n",
		"props":          "spring.datasource.url=jdbc:mysql://db/app\nspring.datasource.password=" + pw + "\n",
		"props colon":    "db.user: app\ndb.password: " + pw + "\n",
		"props spaced":   "db.user = app\ndb.password = " + pw + "\n",
		"props oneline":  "spring.datasource.password=" + pw,
		"env":            "DB_HOST=db\nDB_PASSWORD=" + pw + "\n",
		"env export":     "export DB_HOST=db\nexport DB_PASSWORD=\"" + pw + "\"\n",
		"env single":     "DB_PASSWORD=" + pw,
		"env mysql root": "MYSQL_ROOT_PASSWORD=" + pw + "\nMYSQL_DATABASE=app\n",
		"env pass":       "SMTP_USER=app\nSMTP_PASS=" + pw + "\n",
		"env passwd":     "LDAP_BIND_PASSWD=" + pw + "\n",
		"toml":           "[database]\nuser = \"app\"\npassword = \"" + pw + "\"\n",
		"xml":            "<config><user>app</user><password>" + pw + "</password></config>",
		"xml attr":       "<add key=\"DbPassword\" value=\"" + pw + "\" />",
		"conn str":       "Server=db;Database=app;User Id=sa;Password=" + pw + ";",
		"conn str pwd":   "Server=db;Database=app;Uid=sa;Pwd=" + pw + ";",
		"php array":      "'password' => '" + pw + "',",
		"json in text":   "{\"user\":\"app\",\"password\":\"" + pw + "\"}",
		"hcl":            "password = \"" + pw + "\"",
		"nginx":          "proxy_set_header X-Pass " + pw + ";",
		"pgpass":         "db.internal:5432:app:app:" + pw,
		"netrc":          "machine api.example.com\n  login bob\n  password " + pw + "\n",
		"netrc line":     "machine api.example.com login bob password " + pw,
		"my.cnf":         "[mysqld]\n[client]\npassword=" + pw,
		"settings py":    "DATABASES = {'default': {'USER': 'app', 'PASSWORD': '" + pw + "'}}",
		"ini lower pw":   "[smtp]\nsmtp_password = hunter2hunter\n",
		"ini pwd":        "[db]\npwd = " + pw + "\n",
		"ini passphrase": "[ssl]\npassphrase = " + pw + "\n",
		"ini mot":        "[bd]\nmot_de_passe = " + pw + "\n",
		"ini spaces pw":  "[db]\npassword = correct horse battery staple\n",
		"ini contraseña": "[bd]\ncontraseña = " + pw + "\n",
		"yaml pass key":  "smtp:\n  pass: " + pw + "\n",
		"rclone":         "[remote]\ntype = sftp\nuser = bob\npass = " + pw + "\n",
		"wpa conf":       "network={\n  ssid=\"home\"\n  psk=\"" + pw + "\"\n}",
		"htaccess":       "AuthUserFile /x\nAuthPass " + pw,
		"redis url":      "REDIS_URL=redis://:" + pw + "@cache:6379/0",
		"cfg with text":  "Here is my config:\npassword = " + pw + "\nthanks",
		"cfg inline":     "config: host=db user=app password=" + pw + " port=5432",
		"keyring":        "[credentials]\nusername = bob\npassword = " + pw,
	}
	for k, v := range cfg {
		sec := pw
		switch k {
		case "ini semicolon":
			sec = "Pa;ss#w0rd9"
		case "ini word":
			sec = "correcthorsebattery"
		case "ini lower pw":
			sec = "hunter2hunter"
		case "ini spaces pw":
			sec = "correct horse battery staple"
		}
		out = append(out, pos("cfg "+k, skv("content", v).props, sec))
	}
	form := map[string]string{
		"basic":      "username=bob&password=" + pw + "&remember=1",
		"first":      "password=" + pw + "&username=bob",
		"encoded":    "username=bob&password=Tr0ub4dor%263x&remember=1",
		"plus":       "user=bob&pass=" + pw,
		"pwd":        "login=bob&pwd=" + pw,
		"passwd":     "login=bob&passwd=" + pw,
		"rails":      "user%5Bemail%5D=a%40b.c&user%5Bpassword%5D=" + pw,
		"rails raw":  "user[email]=a@b.c&user[password]=" + pw,
		"oauth":      "grant_type=password&username=bob&password=" + pw + "&client_id=web",
		"new pw":     "current_password=Old1pass!&new_password=" + pw + "&new_password_confirmation=" + pw,
		"semicolon":  "user=bob;password=" + pw,
		"wp":         "log=bob&pwd=" + pw + "&wp-submit=Log+In",
		"j_security": "j_username=bob&j_password=" + pw,
		"lower word": "username=bob&password=sunshine",
		"digits":     "username=bob&password=12345678",
		"pin":        "card=x&pin=4921",
		"passcode":   "user=bob&passcode=" + pw,
		"dollar":     "user=bob&password=p%24ssW0rd",
		"question":   "POST /login?user=bob body: username=bob&password=" + pw,
		"json form":  "payload=%7B%22password%22%3A%22" + "Tr0ub4dor%263x" + "%22%7D",
	}
	for k, v := range form {
		sec := pw
		switch k {
		case "lower word":
			sec = "sunshine"
		case "digits":
			sec = "12345678"
		case "pin":
			sec = "4921"
		case "dollar":
			sec = "p%24ssW0rd"
		case "new pw":
			sec = pw
		}
		out = append(out, pos("form "+k, skv("payload", v).props, sec))
		out = append(out, pos("form body "+k, skv("body", v).props, sec))
	}
	mp := "------WebKitFormBoundary7MA4YWxk\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n------WebKitFormBoundary7MA4YWxk\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + pw + "\r\n------WebKitFormBoundary7MA4YWxk--\r\n"
	out = append(out, pos("multipart", skv("body", mp).props, pw))
	mp2 := "--xyz\nContent-Disposition: form-data; name=\"password\"\n\n" + pw + "\n--xyz--\n"
	out = append(out, pos("multipart lf", skv("body", mp2).props, pw))
	mp3 := "--xyz\r\nContent-Disposition: form-data; name=\"user[password]\"\r\nContent-Type: text/plain\r\n\r\n" + pw + "\r\n--xyz--"
	out = append(out, pos("multipart ct", skv("body", mp3).props, pw))
	cmds := map[string]string{
		"mysql":         "mysql -u root -p" + pw + " app",
		"mysql long":    "mysql --user=root --password=" + pw + " app",
		"mysql long2":   "mysql --user root --password " + pw,
		"mysqldump":     "mysqldump -uroot -p" + pw + " app > dump.sql",
		"pgpassword":    "PGPASSWORD=" + pw + " psql -h db -U app",
		"curl":          "curl -u bob:" + pw + " https://api.example.com",
		"curl user":     "curl --user bob:" + pw + " https://api.example.com",
		"sshpass":       "sshpass -p " + pw + " ssh bob@host",
		"sshpass q":     "sshpass -p '" + pw + "' ssh bob@host",
		"wget":          "wget --password=" + pw + " https://x/file",
		"wget http":     "wget --http-user=bob --http-password=" + pw + " https://x/file",
		"ldapsearch":    "ldapsearch -x -D cn=admin,dc=ex,dc=com -w " + pw + " -b dc=ex,dc=com",
		"net user":      "net user bob " + pw + " /add",
		"net use":       "net use \\\\srv\\share /user:bob " + pw,
		"htpasswd":      "htpasswd -b /etc/nginx/.htpasswd bob " + pw,
		"htpasswd nb":   "htpasswd -nb bob " + pw,
		"zip":           "zip -P " + pw + " secret.zip file.txt",
		"unzip":         "unzip -P " + pw + " secret.zip",
		"7z":            "7z a -p" + pw + " archive.7z dir",
		"docker login":  "docker login -u bob -p " + pw + " registry.example.com",
		"docker login2": "docker login --username bob --password " + pw,
		"mongo":         "mongosh --username admin --password " + pw + " --host db",
		"redis":         "redis-cli -h cache -a " + pw + " ping",
		"psexec":        "psexec \\\\host -u admin -p " + pw + " cmd",
		"xfreerdp":      "xfreerdp /u:admin /p:" + pw + " /v:host",
		"smbclient":     "smbclient //srv/share -U bob%" + pw,
		"mount cifs":    "mount -t cifs //srv/share /mnt -o username=bob,password=" + pw,
		"openssl":       "openssl pkcs12 -export -passout pass:" + pw + " -out a.p12",
		"gpg":           "gpg --batch --passphrase " + pw + " -d file.gpg",
		"chpasswd":      "echo 'bob:" + pw + "' | chpasswd",
		"useradd":       "usermod --password " + pw + " bob",
		"sqlcmd":        "sqlcmd -S db -U sa -P " + pw,
		"influx":        "influx -username admin -password " + pw,
		"mosquitto":     "mosquitto_pub -h broker -u bob -P " + pw + " -t t -m hi",
		"az":            "az login -u bob@ex.com -p " + pw,
		"rar":           "rar a -p" + pw + " a.rar dir",
		"ansible":       "ansible-playbook site.yml --extra-vars \"ansible_password=" + pw + "\"",
		"nmcli":         "nmcli dev wifi connect home password " + pw,
		"wpa":           "wpa_passphrase home " + pw,
		"git":           "git clone https://bob:" + pw + "@github.com/x/y.git",
		"java":          "java -Dspring.datasource.password=" + pw + " -jar app.jar",
		"env prefix":    "DB_PASSWORD=" + pw + " npm start",
		"psql conn":     "psql \"host=db user=app password=" + pw + " dbname=app\"",
		"vsql":          "vsql -U dbadmin -w " + pw,
		"ftp":           "lftp -u bob," + pw + " ftp.example.com",
		"rsync":         "RSYNC_PASSWORD=" + pw + " rsync -a src rsync://bob@host/m",
		"svn":           "svn checkout --username bob --password " + pw + " https://svn/x",
		"plink":         "plink -ssh bob@host -pw " + pw,
		"runas":         "ipmitool -I lanplus -H 10.0.0.9 -U admin -P " + pw + " power status",
		"snmp":          "snmpwalk -v3 -u bob -A " + pw + " -X " + pw + " host",
		"keytool":       "keytool -list -keystore ks.jks -storepass " + pw,
		"hydra":         "mysqladmin -u root -p" + pw + " status",
		"pg_dump uri":   "pg_dump postgres://app:" + pw + "@db/app",
	}
	for k, v := range cmds {
		out = append(out, pos("cmd "+k, skv("command", v).props, pw))
		out = append(out, pos("cmd cmd "+k, skv("cmd", v).props, pw))
	}
	argvs := map[string]string{
		"sshpass":  `["sshpass","-p","` + pw + `","ssh","bob@host"]`,
		"mysql":    `["mysql","-u","root","-p` + pw + `","app"]`,
		"mysql2":   `["mysql","--password=` + pw + `","app"]`,
		"mysql3":   `["mysql","--password","` + pw + `","app"]`,
		"curl":     `["curl","-u","bob:` + pw + `","https://x"]`,
		"docker":   `["docker","login","-u","bob","-p","` + pw + `"]`,
		"ldap":     `["ldapsearch","-x","-w","` + pw + `"]`,
		"redis":    `["redis-cli","-a","` + pw + `","ping"]`,
		"htpasswd": `["htpasswd","-b","/etc/htpasswd","bob","` + pw + `"]`,
		"zip":      `["zip","-P","` + pw + `","a.zip","f"]`,
		"psql env": `["env","PGPASSWORD=` + pw + `","psql"]`,
		"sqlcmd":   `["sqlcmd","-S","db","-U","sa","-P","` + pw + `"]`,
		"openssl":  `["openssl","enc","-k","` + pw + `"]`,
		"plink":    `["plink","-pw","` + pw + `","host"]`,
		"mongo":    `["mongo","-u","admin","-p","` + pw + `"]`,
		"net":      `["net","user","bob","` + pw + `","/add"]`,
		"keytool":  `["keytool","-storepass","` + pw + `"]`,
		"wget":     `["wget","--http-password=` + pw + `","https://x"]`,
		"gpg":      `["gpg","--passphrase","` + pw + `"]`,
		"ipmitool": `["ipmitool","-U","admin","-P","` + pw + `"]`,
		"pass":     `["app","--pass","` + pw + `"]`,
		"pwd":      `["app","--pwd=` + pw + `"]`,
		"dbpw":     `["app","--db-password","` + pw + `"]`,
		"secret":   `["app","--client-secret","` + pw + `"]`,
	}
	for k, v := range argvs {
		out = append(out, pos("argv "+k, `{"argv":`+v+`}`, pw))
		out = append(out, pos("args "+k, `{"args":`+v+`}`, pw))
	}
	// national IDs in error messages
	ssn := "536-22-1234"
	ssnb := "536221234"
	errs := map[string]string{
		"pg dup":        "ERROR: duplicate key value violates unique constraint \"users_ssn_key\"\nDETAIL: Key (ssn)=(" + ssnb + ") already exists.",
		"pg dup cpf":    "duplicate key value violates unique constraint \"clientes_cpf_key\" DETAIL: Key (cpf)=(" + cpf + ") already exists.",
		"mysql dup":     "Duplicate entry '" + cpf + "' for key 'clientes.cpf'",
		"sqlite":        "UNIQUE constraint failed: users.ssn (value " + ssnb + ")",
		"jsonschema":    "'" + ssnb + "' does not match '^\\d{3}-\\d{2}-\\d{4}$' in schema['properties']['ssn']",
		"invalid ssn":   "Invalid SSN: " + ssnb,
		"invalid ssn2":  "invalid ssn " + ssnb,
		"ssn format":    "SSN format invalid (" + ssnb + ")",
		"cpf inval":     "CPF inválido: " + cpf,
		"cpf inval2":    "O CPF " + cpf + " é inválido",
		"cpf number":    "NumberFormatException: For input string: \"" + cpf + "\" (field cpf)",
		"cnid":          "身份证号码格式错误: " + cnid,
		"cnid en":       "invalid id card number " + cnid,
		"cnid en2":      "IdCardException: id card " + cnid + " checksum mismatch",
		"ssn in url":    "GET /api/users?ssn=" + ssnb + " returned 500",
		"ssn exc":       "ValidationError: ssn=" + ssnb + " rejected",
		"ssn key val":   "ValueError: invalid literal for int() with base 10: '" + ssn + "' (ssn)",
		"kimlik":        "TC Kimlik No doğrulanamadı: " + tckn,
		"kimlik2":       "TC Kimlik No: " + tckn + " geçersiz",
		"tw err":        "身分證字號錯誤：" + tw,
		"ssn trailing":  "could not verify social security number " + ssnb + ".",
		"ssn sec":       "Error: SSN " + ssn + " not found in registry",
		"ssn upstream":  "upstream returned 404 for /v1/persons/" + ssnb + "/ssn",
		"ssn dup rails": "Validation failed: Ssn " + ssnb + " has already been taken",
		"cpf js":        "TypeError: Cannot read properties of undefined (reading 'nome') at validarCpf(\"" + cpf + "\")",
		"ssn go":        "strconv.Atoi: parsing \"" + ssn + "\": invalid syntax (field ssn)",
		"ssn java":      "IllegalArgumentException: Invalid SSN '" + ssn + "'",
		"ssn keyerror":  "KeyError: '" + ssnb + "' (lookup by ssn)",
		"ssn not found": "No customer with SSN " + ssnb,
		"aadhaar":       "Aadhaar number 2345 6789 0124 is not linked",
		"nino":          "NINO AB123456C failed validation",
		"pan":           "PAN ABCPE1234F does not match name",
		"cpf unq":       "ERRO: CPF " + cpf + " já cadastrado",
		"cpf c#":        "System.FormatException: O CPF '" + cpf + "' não é válido.",
	}
	for k, v := range errs {
		sec := ssnb
		switch {
		case strings.Contains(v, cpf):
			sec = cpf
		case strings.Contains(v, cnid):
			sec = cnid
		case strings.Contains(v, ssn):
			sec = ssn
		case strings.Contains(v, tckn):
			sec = tckn
		case strings.Contains(v, tw):
			sec = tw
		case k == "aadhaar":
			sec = "2345 6789 0124"
		case k == "nino":
			sec = "AB123456C"
		case k == "pan":
			sec = "ABCPE1234F"
		}
		out = append(out, pos("err "+k, skv("$exception_message", v).props, sec))
		out = append(out, pos("errmsg "+k, skv("error", v).props, sec))
	}
	// corpus5 kinds
	out = append(out,
		pos("tw key pinyin", skv("shenfenzheng_tw", tw).props, tw),
		pos("tw key field_value", `{"field_name":"身分證字號","field_value":"`+tw+`"}`, tw),
		pos("tw key field_value en", `{"field_name":"Taiwan ID","field_value":"`+tw+`"}`, tw),
		pos("tw key field_value en2", `{"field_name":"national_id","field_value":"`+tw+`"}`, tw),
		pos("tw pairs", `{"fields":[{"name":"身分證字號","value":"`+tw+`"}]}`, tw),
		pos("tw pairs en", `{"fields":[{"name":"taiwan_id","value":"`+tw+`"}]}`, tw),
		pos("tw pairs label", `{"fields":[{"label":"National ID (Taiwan)","value":"`+tw+`"}]}`, tw),
		pos("tw key", skv("taiwan_id", tw).props, tw),
		pos("tw key2", skv("身分證字號", tw).props, tw),
		pos("tw key3", skv("tw_national_id", tw).props, tw),
		pos("tw key4", skv("id_number_tw", tw).props, tw),
		pos("tw key5", skv("shenfenzheng", tw).props, tw),
		pos("tw chat", skv("message", "我的身分證字號是"+tw+"，謝謝").props, tw),
		pos("tw chat2", skv("message", "身分證 "+tw).props, tw),
		pos("tckn cue", skv("message", "TC Kimlik No: "+tckn).props, tckn),
		pos("tckn cue2", skv("message", "T.C. Kimlik No: "+tckn).props, tckn),
		pos("tckn cue3", skv("message", "Merhaba, TC kimlik numaram "+tckn+" teşekkürler").props, tckn),
		pos("tckn cue4", skv("note", "TCKN: "+tckn).props, tckn),
		pos("tckn pair", `{"fields":[{"name":"TC Kimlik No","value":"`+tckn+`"}]}`, tckn),
		pos("tckn fv", `{"field_name":"tc_kimlik_no","field_value":"`+tckn+`"}`, tckn),
		pos("cpf pair", `{"fields":[{"name":"CPF","value":"`+cpf+`"}]}`, cpf),
		pos("cnid pair", `{"fields":[{"name":"身份证号","value":"`+cnid+`"}]}`, cnid),
		pos("passport digits", `{"passengers":[{"name":"A B","passport":{"number":"123456789","country":"US","expiry":"2031-01-01"}}]}`, "123456789"),
		pos("passport digits8", `{"passengers":[{"passport":{"number":"12345678","country":"FR"}}]}`, "12345678"),
		pos("passport mixed", `{"passengers":[{"passport":{"number":"C01X00T47","country":"DE"}}]}`, "C01X00T47"),
		pos("passport lower", `{"passengers":[{"passport":{"number":"k1234567","country":"IN"}}]}`, "k1234567"),
		pos("passport key digits", skv("passport_number", "123456789").props, "123456789"),
		pos("passport_no digits", skv("passport_no", "123456789").props, "123456789"),
		pos("passport cue", skv("message", "my passport number is 123456789").props, "123456789"),
		pos("passport cue2", skv("message", "Passport No: X12345678").props, "X12345678"),
		pos("passport pair", `{"documents":[{"type":"passport","number":"123456789"}]}`, "123456789"),
		pos("kubeconfig short", skv("kubeconfig", "apiVersion: v1\nusers:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBeFk4dDNrMlpxV3c=\n").props, "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBeFk4dDNrMlpxV3c="),
		pos("kubeconfig token", skv("kubeconfig", "users:\n- name: ci\n  user:\n    token: kq8v2x9wz3m4\n").props, "kq8v2x9wz3m4"),
		pos("kubeconfig token2", skv("kubeconfig", "users:\n- name: ci\n  user:\n    token: abcdef.0123456789abcdef\n").props, "abcdef.0123456789abcdef"),
		pos("kubeconfig pw", skv("kubeconfig", "users:\n- name: ci\n  user:\n    username: admin\n    password: kq8v2x9wz3m4\n").props, "kq8v2x9wz3m4"),
		pos("ckd key", skv("client-key-data", "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBeFk4dDNrMlpxV3c=").props, "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBeFk4dDNrMlpxV3c="),
		// negatives
		neg("n cfg ref", skv("content", "[db]\npassword = ${DB_PASSWORD}\n").props),
		neg("n cfg empty", skv("content", "[db]\npassword =\nuser = app\n").props),
		neg("n cfg bool", skv("content", "[auth]\npassword_required = true\npassword_min_length = 12\n").props),
		neg("n form empty", skv("payload", "username=bob&password=&remember=1").props),
		neg("n form reset", skv("payload", "action=forgot_password&email_sent=1").props),
		neg("n cmd", skv("command", "mysql -u root -p app").props),
		neg("n cmd stdin", skv("command", "docker login --password-stdin").props),
		neg("n err", skv("error", "Invalid SSN format").props),
		neg("n err order", skv("error", "order 536221234 not found").props),
		neg("n passport status", `{"passengers":[{"passport":{"number_of_pages":"32","country":"US"}}]}`),
		neg("n kube", skv("kubeconfig", "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    server: https://k8s:6443\n").props),
		neg("n tw bad", skv("taiwan_id", tw[:9]+string('0'+(tw[9]-'0'+1)%10)).props),
		neg("n tckn bad", skv("message", "TC Kimlik No: "+tckn[:10]+string('0'+(tckn[10]-'0'+1)%10)).props),
	)
	return out
}

func probeKeys() []famCase {
	pw := "Tr0ub4dor&3x"
	tw := twOf('A', "12345678")
	return []famCase{
		pos("fw key", skv("ｐａｓｓｗｏｒｄ", pw).props, pw),
		pos("fw key2", skv("ＰＡＳＳＷＯＲＤ", pw).props, pw),
		pos("fw key3", skv("ｕｓｅｒ＿ｐａｓｓｗｏｒｄ", pw).props, pw),
		pos("cc key", skv("ssn_us", "536-22-1234").props, "536-22-1234"),
		pos("cc key2", skv("idNumberTW", tw).props, tw),
		neg("cc neg", skv("product_id_tw", "A123456789").props),
		neg("cc neg2", skv("store_code_us", "A123456789").props),
		neg("fw neg", skv("ｐａｓｓｗｏｒｄ＿ｒｅｓｅｔ", "2026-12-01").props),
	}
}

func probeErrMatrix() []famCase {
	cnpj := cnpjOf("112223330001")
	cnpjF := cnpj[:2] + "." + cnpj[2:5] + "." + cnpj[5:8] + "/" + cnpj[8:12] + "-" + cnpj[12:]
	cpf := cpfOf("529982247")
	cpfF := cpf[:3] + "." + cpf[3:6] + "." + cpf[6:9] + "-" + cpf[9:]
	ids := map[string][2]string{
		"cnpj":    {"CNPJ", cnpjF},
		"cnpjb":   {"CNPJ", cnpj},
		"cpf":     {"CPF", cpfF},
		"prc":     {"resident ID", cnIDOf("11010519491231002")},
		"prc2":    {"身份证号", cnIDOf("11010519491231002")},
		"curp":    {"CURP", curpOf("GOMC800101HDFRRR0")},
		"pan":     {"PAN", "ABCPE1234F"},
		"nhs":     {"NHS number", "9434765919"},
		"tw":      {"Taiwan ID", twOf('A', "12345678")},
		"hkid":    {"HKID", "A123456(3)"},
		"aadhaar": {"Aadhaar", "2345 6789 0124"},
		"za":      {"ID number", "8001015009087"},
		"nino":    {"NINO", "AB 12 34 56 C"},
		"dni":     {"DNI", dniOf(12345678)},
		"pesel":   {"PESEL", peselOf("4405140135")},
		"ssn":     {"SSN", "536-22-1234"},
		"sin":     {"SIN", "046 454 286"},
	}
	tpls := []string{
		"Invalid %N: %V",
		"%N inválido: %V",
		"%V is not a valid %N",
		"ValidationError: %N '%V' is invalid",
		"Error: %N \"%V\" already registered",
		"Duplicate entry '%V' for key 'users.%n'",
		"ERROR: duplicate key value violates unique constraint \"users_%n_key\" DETAIL: Key (%n)=(%V) already exists.",
		"%N must be valid, got %V",
		"%N %V failed checksum validation",
		"could not find customer by %N %V",
		"Exception in thread \"main\" java.lang.IllegalArgumentException: invalid %N: %V\n\tat com.acme.Validator.check(Validator.java:42)",
		"Traceback (most recent call last):\n  File \"app.py\", line 10, in <module>\nValueError: invalid %N %V",
		"%N verification failed for %V",
		"Failed to validate %N (%V)",
		"El %N %V no es válido",
		"La %N %V no es válida",
		"%N=%V rejected by upstream",
		"TypeError: cannot process %N %V",
		"error validating field %n: value %V does not match pattern",
		"{\"error\":\"invalid_%n\",\"value\":\"%V\"}",
		"Request failed: 422 {\"errors\":{\"%n\":[\"%V is invalid\"]}}",
	}
	var out []famCase
	for k, iv := range ids {
		for ti, tp := range tpls {
			m := strings.ReplaceAll(tp, "%N", iv[0])
			m = strings.ReplaceAll(m, "%n", strings.ToLower(strings.ReplaceAll(iv[0], " ", "_")))
			m = strings.ReplaceAll(m, "%V", iv[1])
			out = append(out, pos(fmt.Sprintf("mx %s %d", k, ti), skv("$exception_message", m).props, iv[1]))
		}
	}
	return out
}
